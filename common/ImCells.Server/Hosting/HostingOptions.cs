using System.Net;
using Microsoft.Extensions.Options;

namespace ImCells.Server.Hosting;

/// <summary>Bound from the "Hosting" configuration section, checked at start.</summary>
public sealed class HostingOptions
{
    public const string Section = "Hosting";

    /// <summary>
    /// The local address every endpoint of this process binds (switch --bind), in place of the host
    /// its topology entries name; the ports stay. For a host that others reach by a name or through a
    /// published port (a container: "0.0.0.0"). Default: bind the topology's host (a DNS name is resolved).
    /// </summary>
    public string? BindAddress { get; set; }

    /// <summary>The parsed <see cref="BindAddress"/>, or null for the topology's own hosts.</summary>
    public IPAddress? Bind => string.IsNullOrWhiteSpace(BindAddress) ? null : IPAddress.Parse(BindAddress);

    /// <summary>
    /// The admin endpoint (switch --admin), plain HTTP/1.1, e.g. "http://127.0.0.1:7010": /metrics,
    /// /healthz, /readyz and /info. <see cref="BindAddress"/> replaces its host like any other
    /// endpoint's. Default: none. It has no authentication: give it a loopback or internal address.
    /// </summary>
    public string? AdminListen { get; set; }
}

/// <summary>The rules for <see cref="HostingOptions"/>.</summary>
internal sealed class HostingOptionsValidation : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.BindAddress) && !IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"Hosting:BindAddress = '{options.BindAddress}': must be an IP address of this host, e.g. 0.0.0.0 (--bind)");
        }

        if (options.AdminListen is { } admin && !IsAdminUrl(admin))
        {
            failures.Add($"Hosting:AdminListen = '{admin}': must be http://HOST:PORT with a port from 1 to 65535 and no path, e.g. http://127.0.0.1:7010 (--admin)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Plain http (the endpoint has no certificate of its own), an explicit port (several servers share a host), no path.</summary>
    private static bool IsAdminUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && uri.Scheme == Uri.UriSchemeHttp
        && uri.Host.Length > 0
        && uri.Port is > 0 and <= 65535
        && url.Contains($":{uri.Port}", StringComparison.Ordinal)
        && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0;
}
