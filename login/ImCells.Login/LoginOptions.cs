using Microsoft.Extensions.Options;

namespace ImCells.Login;

/// <summary>Bound from the "Login" configuration section, checked at start.</summary>
internal sealed class LoginOptions
{
    public const string Section = "Login";

    /// <summary>
    /// The URL to listen on, with an IP address, localhost or a DNS name (one of the topology's login entries;
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
    /// Logins per minute from one source address (IPv6: one /64) at this login server, 0..100000
    /// (default 30; 0 turns the limit off). More get RESOURCE_EXHAUSTED.
    /// </summary>
    public int SourceLoginsPerMinute { get; set; } = 30;

    /// <summary>Logins one source may make at once before <see cref="SourceLoginsPerMinute"/> applies, 1..100000 (default 30).</summary>
    public int SourceLoginBurst { get; set; } = 30;

    /// <summary>Registrations per hour from one source address at this login server, 0..1000000 (default 20; 0 turns the limit off).</summary>
    public int SourceRegistrationsPerHour { get; set; } = 20;

    /// <summary>Registrations one source may make at once before <see cref="SourceRegistrationsPerHour"/> applies, 1..100000 (default 5).</summary>
    public int SourceRegistrationBurst { get; set; } = 5;

    /// <summary>Look-ups (Where, Status) per minute from one source address at this login server, 0..100000 (default 120; 0 turns the limit off).</summary>
    public int SourceLookupsPerMinute { get; set; } = 120;

    /// <summary>Look-ups one source may make at once before <see cref="SourceLookupsPerMinute"/> applies, 1..100000 (default 60).</summary>
    public int SourceLookupBurst { get; set; } = 60;

    /// <summary>Source addresses remembered per limit, 1000..10000000 (default 100000); beyond that, new sources share one bucket.</summary>
    public int MaxSources { get; set; } = 100_000;
}

/// <summary>The rules for <see cref="LoginOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class LoginOptionsValidation : IValidateOptions<LoginOptions>
{
    public ValidateOptionsResult Validate(string? name, LoginOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (options.Listen is not null && !IsListenUrl(options.Listen))
        {
            errors.AddError($"Login:Listen = '{options.Listen}': must be an https:// or http:// URL, e.g. https://127.0.0.1:7100");
        }

        if (options.Index is < 0 or > 9999)
        {
            errors.AddError($"Login:Index = {options.Index}: must be 0..9999, the position of this server in the topology's login list (--login-index)");
        }

        if (options.TokenLifetimeHours is not (>= 1 and <= 8760))
        {
            errors.AddError($"Login:TokenLifetimeHours = {options.TokenLifetimeHours}: must be 1..8760");
        }

        Range(errors, "SourceLoginsPerMinute", options.SourceLoginsPerMinute, 0, 100_000);
        Range(errors, "SourceLoginBurst", options.SourceLoginBurst, 1, 100_000);
        Range(errors, "SourceRegistrationsPerHour", options.SourceRegistrationsPerHour, 0, 1_000_000);
        Range(errors, "SourceRegistrationBurst", options.SourceRegistrationBurst, 1, 100_000);
        Range(errors, "SourceLookupsPerMinute", options.SourceLookupsPerMinute, 0, 100_000);
        Range(errors, "SourceLookupBurst", options.SourceLookupBurst, 1, 100_000);
        Range(errors, "MaxSources", options.MaxSources, 1_000, 10_000_000);

        return errors.Build();
    }

    private static void Range(ValidateOptionsResultBuilder errors, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.AddError($"Login:{setting} = {value}: must be {min}..{max}");
        }
    }

    /// <summary>An http(s) URL with a host and a port: an address to listen on (a name is resolved at start).</summary>
    private static bool IsListenUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 or UriHostNameType.Dns;
}
