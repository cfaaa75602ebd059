using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace ImCells.Topology;

/// <summary>Turns topology endpoints into addresses a socket can bind.</summary>
public static class Endpoints
{
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

    /// <summary>The address to listen on for an http:// URL of the topology.</summary>
    public static IPEndPoint FromUrl(string url)
    {
        var uri = new Uri(url);
        var host = uri.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(uri.Host);
        return new IPEndPoint(host, uri.Port);
    }
}
