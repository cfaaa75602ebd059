using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace ImCells.Topology;

/// <summary>Turns topology endpoints into addresses a socket can bind.</summary>
public static class Endpoints
{
    /// <summary>Marks a chat entry served over TLS: "tls://host:port"; a bare "host:port" is plaintext.</summary>
    public const string TlsPrefix = "tls://";

    public static bool TryParseHostPort(string value, [NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (IPEndPoint.TryParse(value, out var parsed) && parsed.Port != 0)
        {
            endpoint = parsed;
            return true;
        }

        var colon = value.LastIndexOf(':');
        if (colon > 0 && value[..colon] == "localhost" && int.TryParse(value[(colon + 1)..], out var port)
            && port is > 0 and < 65536)
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        return false;
    }

    public static IPEndPoint ParseHostPort(string value) =>
        TryParseHostPort(value, out var endpoint)
            ? endpoint
            : throw new FormatException($"'{value}' is not host:port");

    /// <summary>A chat entry of the topology: "tls://host:port" (<paramref name="tls"/> true) or plain "host:port".</summary>
    public static bool TryParseChat(string value, [NotNullWhen(true)] out IPEndPoint? endpoint, out bool tls)
    {
        tls = value.StartsWith(TlsPrefix, StringComparison.OrdinalIgnoreCase);
        return TryParseHostPort(tls ? value[TlsPrefix.Length..] : value, out endpoint);
    }

    /// <summary>The address and transport of a chat entry (see <see cref="TryParseChat"/>).</summary>
    public static (IPEndPoint EndPoint, bool Tls) ParseChat(string value) =>
        TryParseChat(value, out var endpoint, out var tls)
            ? (endpoint, tls)
            : throw new FormatException($"'{value}' is not host:port or tls://host:port");

    /// <summary>The address to listen on for an http:// or https:// URL of the topology.</summary>
    public static IPEndPoint FromUrl(string url)
    {
        var uri = new Uri(url);
        var host = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host);
        return new IPEndPoint(host, uri.Port);
    }

    /// <summary>Whether <paramref name="url"/> is https:// (the only scheme internal gRPC accepts).</summary>
    public static bool IsHttps(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
