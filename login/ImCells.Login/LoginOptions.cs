using Microsoft.Extensions.Options;

namespace ImCells.Login;

/// <summary>Bound from the "Login" configuration section, checked at start.</summary>
internal sealed class LoginOptions
{
    public const string Section = "Login";

    /// <summary>
    /// The URL to listen on, with an IP address or localhost (one of the topology's login entries;
    /// switch --listen): https:// serves TLS with this login server's certificate, http:// only on
    /// loopback unless Tls:AllowPlaintext=true. Default: the topology's login entry of <see cref="Index"/>.
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>
    /// Which of the topology's login entries this server is, from 0 (switch --login-index; default 0):
    /// its certificate names spiffe://imcells/login/{Index}.
    /// </summary>
    public int Index { get; set; }

    /// <summary>How long a token is valid, 1..8760 hours (default 24).</summary>
    public double TokenLifetimeHours { get; set; } = 24;

    /// <summary>
    /// Failed logins for one number within <see cref="FailureWindowSeconds"/> before answers are
    /// slowed, 0..1000 (default 5).
    /// </summary>
    public int FreeFailures { get; set; } = 5;

    /// <summary>The window in which failed logins are counted, 1..86400 seconds (default 300).</summary>
    public int FailureWindowSeconds { get; set; } = 300;
}

/// <summary>The rules for <see cref="LoginOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class LoginOptionsValidation : IValidateOptions<LoginOptions>
{
    public ValidateOptionsResult Validate(string? name, LoginOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.Listen is not null && !IsListenUrl(options.Listen))
        {
            errors.AddError($"Login:Listen = '{options.Listen}': must be an https:// or http:// URL with an IP address or localhost, e.g. https://127.0.0.1:7100");
        }

        if (options.Index is < 0 or > 9999)
        {
            errors.AddError($"Login:Index = {options.Index}: must be 0..9999, the position of this server in the topology's login list (--login-index)");
        }

        if (options.TokenLifetimeHours is not (>= 1 and <= 8760))
        {
            errors.AddError($"Login:TokenLifetimeHours = {options.TokenLifetimeHours}: must be 1..8760");
        }

        if (options.FreeFailures is < 0 or > 1000)
        {
            errors.AddError($"Login:FreeFailures = {options.FreeFailures}: must be 0..1000");
        }

        if (options.FailureWindowSeconds is < 1 or > 86_400)
        {
            errors.AddError($"Login:FailureWindowSeconds = {options.FailureWindowSeconds}: must be 1..86400");
        }

        return errors.Build();
    }

    /// <summary>What <see cref="Topology.Endpoints.FromUrl"/> can turn into a listen address.</summary>
    private static bool IsListenUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || uri.Host == "localhost");
}
