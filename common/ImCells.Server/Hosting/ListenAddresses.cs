using System.Net;
using System.Net.Sockets;
using ImCells.Topology;
using Microsoft.Extensions.DependencyInjection;

namespace ImCells.Server.Hosting;

/// <summary>Where this process binds a topology endpoint: Hosting:BindAddress if set, else the endpoint's own host.</summary>
public static class ListenAddresses
{
    /// <summary>The address for an http(s):// URL of the topology.</summary>
    public static IPEndPoint ForUrl(IServiceProvider services, string url, string what)
    {
        var (host, port) = Endpoints.ParseUrl(url);
        return Resolve(services, host, port, what);
    }

    /// <summary>The address for a chat entry ("host:port" or "tls://host:port") and whether it is TLS.</summary>
    public static (IPEndPoint EndPoint, bool Tls) ForChat(IServiceProvider services, string entry, string what)
    {
        var (host, port, tls) = Endpoints.ParseChat(entry);
        return (Resolve(services, host, port, what), tls);
    }

    private static IPEndPoint Resolve(IServiceProvider services, string host, int port, string what)
    {
        try
        {
            return Endpoints.ListenEndPoint(host, port, services.GetRequiredService<HostingOptions>().Bind);
        }
        catch (SocketException e)
        {
            throw new StartupException(
                $"{what}: cannot resolve '{host}' to an address of this host ({e.Message}); give --bind ADDRESS (Hosting:BindAddress)",
                ServerRun.InvalidSettingExitCode, e);
        }
    }
}
