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
}

/// <summary>The rules for <see cref="HostingOptions"/>.</summary>
internal sealed class HostingOptionsValidation : IValidateOptions<HostingOptions>
{
    public ValidateOptionsResult Validate(string? name, HostingOptions options) =>
        string.IsNullOrWhiteSpace(options.BindAddress) || IPAddress.TryParse(options.BindAddress, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Hosting:BindAddress = '{options.BindAddress}': must be an IP address of this host, e.g. 0.0.0.0 (--bind)");
}
