using ImCells.Protos.Topology;
using ImCells.Trust;

namespace ImCells.Topology;

/// <summary>
/// Which cluster identity the map puts at each address: whom a caller expects to answer at a gRPC
/// URL, and which processes need a certificate (with the hosts they are reached at).
/// </summary>
public static class TopologyIdentities
{
    /// <summary>
    /// The process the map says serves gRPC at <paramref name="url"/>: the master, a cell, or one of a
    /// cell's extra chat servers; null when the map names nobody there.
    /// </summary>
    public static ClusterIdentity? IdentityAt(this TopologyMap map, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var wanted))
        {
            return null;
        }

        if (SameEndpoint(map.MasterGrpc, wanted))
        {
            return ClusterIdentity.Master;
        }

        foreach (var cell in map.Cells)
        {
            if (SameEndpoint(cell.Grpc, wanted))
            {
                return ClusterIdentity.Cell(cell.Id);
            }

            for (var i = 0; i < cell.ChatServers.Count; i++)
            {
                if (SameEndpoint(cell.ChatServers[i].Grpc, wanted))
                {
                    return ClusterIdentity.ChatServer(cell.Id, i + 1);
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Every server process of the map (master, each login server by its index, each cell, each extra
    /// chat server) with the host names or addresses its certificate must name.
    /// </summary>
    public static IReadOnlyList<(ClusterIdentity Identity, IReadOnlyList<string> Hosts)> Processes(this TopologyMap map)
    {
        var processes = new List<(ClusterIdentity, IReadOnlyList<string>)> { (ClusterIdentity.Master, [UrlHost(map.MasterGrpc)]) };
        for (var i = 0; i < map.Login.Count; i++)
        {
            processes.Add((ClusterIdentity.Login(i), [UrlHost(map.Login[i].Http)]));
        }

        foreach (var cell in map.Cells)
        {
            processes.Add((ClusterIdentity.Cell(cell.Id), Hosts(cell.Grpc, cell.Chat)));
            for (var i = 0; i < cell.ChatServers.Count; i++)
            {
                processes.Add((ClusterIdentity.ChatServer(cell.Id, i + 1), Hosts(cell.ChatServers[i].Grpc, [cell.ChatServers[i].Chat])));
            }
        }

        return processes;
    }

    private static bool SameEndpoint(string url, Uri wanted) =>
        Uri.TryCreate(url, UriKind.Absolute, out var known)
        && known.Scheme == wanted.Scheme
        && known.Port == wanted.Port
        && string.Equals(known.IdnHost, wanted.IdnHost, StringComparison.OrdinalIgnoreCase);

    private static string[] Hosts(string grpc, IEnumerable<string> chat) =>
        [.. chat.Select(ChatHost).Prepend(UrlHost(grpc)).Distinct(StringComparer.OrdinalIgnoreCase)];

    private static string UrlHost(string url) => new Uri(url).IdnHost.Trim('[', ']');

    private static string ChatHost(string chat)
    {
        var hostPort = chat.StartsWith(Endpoints.TlsPrefix, StringComparison.OrdinalIgnoreCase) ? chat[Endpoints.TlsPrefix.Length..] : chat;
        return hostPort[..hostPort.LastIndexOf(':')].Trim('[', ']');
    }
}
