using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ImCells.Topology;

/// <summary>
/// Topology endpoints: "host:port" chat entries (plain or "tls://") and http(s) URLs, where host is an
/// IP address, localhost, or a DNS name (a server on another host, e.g. a container named cell-a).
/// </summary>
public static class Endpoints
{
    /// <summary>Marks a chat entry served over TLS: "tls://host:port"; a bare "host:port" is plaintext.</summary>
    public const string TlsPrefix = "tls://";

    /// <summary>Splits "host:port" ("[v6]:port" for IPv6); the host is an IP address or a DNS name.</summary>
    public static bool TryParseHostPort(string value, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            || port is <= 0 or > 65535)
        {
            return false;
        }

        host = value[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            return IPAddress.TryParse(host, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return Uri.CheckHostName(host) is UriHostNameType.IPv4 or UriHostNameType.Dns;
    }

    /// <summary>A chat entry of the topology: "tls://host:port" (<paramref name="tls"/> true) or plain "host:port".</summary>
    public static bool TryParseChat(string value, out string host, out int port, out bool tls)
    {
        tls = value.StartsWith(TlsPrefix, StringComparison.OrdinalIgnoreCase);
        return TryParseHostPort(tls ? value[TlsPrefix.Length..] : value, out host, out port);
    }

    /// <summary>The host, port and transport of a chat entry (see <see cref="TryParseChat"/>).</summary>
    public static (string Host, int Port, bool Tls) ParseChat(string value) =>
        TryParseChat(value, out var host, out var port, out var tls)
            ? (host, port, tls)
            : throw new FormatException($"'{value}' is not host:port or tls://host:port");

    /// <summary>The host and port of an http:// or https:// URL of the topology.</summary>
    public static (string Host, int Port) ParseUrl(string url)
    {
        var uri = new Uri(url);
        return (uri.IdnHost, uri.Port);
    }

    /// <summary>
    /// The address to listen on for <paramref name="host"/>:<paramref name="port"/>: <paramref name="bind"/>
    /// when given (a container binds its own addresses, whatever name the others use for it), else the
    /// host itself: an IP address, localhost as loopback, or a DNS name resolved now (IPv4 first).
    /// Throws <see cref="SocketException"/> when a name does not resolve.
    /// </summary>
    public static IPEndPoint ListenEndPoint(string host, int port, IPAddress? bind)
    {
        if (bind is not null)
        {
            return new IPEndPoint(bind, port);
        }

        if (IPAddress.TryParse(host, out var address))
        {
            return new IPEndPoint(address, port);
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        var resolved = Dns.GetHostAddresses(host);
        var chosen = resolved.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? resolved.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
        return new IPEndPoint(chosen, port);
    }

    /// <summary>Whether <paramref name="url"/> is https:// (the only scheme internal gRPC accepts).</summary>
    public static bool IsHttps(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;
}
