using Microsoft.Extensions.Options;

namespace ImCells.Server.Discovery;

/// <summary>How chat servers are found. Bound from the "Discovery" configuration section, checked at start.</summary>
public sealed class DiscoveryOptions
{
    public const string Section = "Discovery";

    /// <summary>"static" (default: topology.json) or "etcd", in any case.</summary>
    public string Provider { get; set; } = "static";

    /// <summary>The etcd endpoint (default http://127.0.0.1:2379); several may be given separated by commas.</summary>
    public string Etcd { get; set; } = "http://127.0.0.1:2379";

    /// <summary>Lease TTL of a registration, 2..3600; a dead server disappears within it (default 5 s).</summary>
    public int TtlSeconds { get; set; } = 5;

    /// <summary>Key prefix under which chat servers register, ending with '/' (default "/imcells/chat/").</summary>
    public string Prefix { get; set; } = "/imcells/chat/";

    public bool UsesEtcd => string.Equals(Provider, "etcd", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The rules for <see cref="DiscoveryOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class DiscoveryOptionsValidation : IValidateOptions<DiscoveryOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscoveryOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (!options.UsesEtcd && !string.Equals(options.Provider, "static", StringComparison.OrdinalIgnoreCase))
        {
            errors.AddError($"Discovery:Provider = '{options.Provider}': must be 'static' or 'etcd'");
        }

        if (!IsUrlList(options.Etcd))
        {
            errors.AddError($"Discovery:Etcd = '{options.Etcd}': must be http:// or https:// URLs separated by commas");
        }

        if (options.TtlSeconds is < 2 or > 3600)
        {
            errors.AddError($"Discovery:TtlSeconds = {options.TtlSeconds}: must be 2..3600");
        }

        if (options.Prefix is null || !options.Prefix.EndsWith('/'))
        {
            errors.AddError($"Discovery:Prefix = '{options.Prefix}': must end with '/'");
        }

        return errors.Build();
    }

    private static bool IsUrlList(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && value.Split(',').All(url => Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}
