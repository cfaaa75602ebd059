namespace ImCells.Login;

/// <summary>Bound from the "Login" configuration section.</summary>
public sealed class LoginOptions
{
    /// <summary>The URL to listen on (one of the topology's login entries); default the first.</summary>
    public string? Listen { get; set; }

    /// <summary>How long a token is valid (default 24 h).</summary>
    public double TokenLifetimeHours { get; set; } = 24;

    /// <summary>Failed logins for one number within <see cref="FailureWindowSeconds"/> before answers are slowed.</summary>
    public int FreeFailures { get; set; } = 5;

    public int FailureWindowSeconds { get; set; } = 300;
}
