namespace ImCells.Cli.CommandLine;

/// <summary>
/// What `imcells` exits with, the same for every command (the README's table lists them).
/// </summary>
internal static class ExitCodes
{
    /// <summary>It did what was asked.</summary>
    public const int Ok = 0;

    /// <summary>A server said no, or could not be reached in time, or a local file was wrong.</summary>
    public const int Failed = 1;

    /// <summary>The command line is wrong: unknown option, missing or malformed value.</summary>
    public const int Usage = 2;

    /// <summary>send: the recipient refused the message (blocked, friends only, no such user).</summary>
    public const int Refused = 3;

    /// <summary>status: something in the cluster is down or not ready.</summary>
    public const int Unhealthy = 4;

    /// <summary>A bug in imcells itself: the one line names the exception.</summary>
    public const int Internal = 70;
}
