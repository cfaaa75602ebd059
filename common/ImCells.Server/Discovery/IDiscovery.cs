using ImCells.Protos.Topology;

namespace ImCells.Server.Discovery;

/// <summary>
/// Which chat servers of a cell are alive, least loaded first. Two implementations: static (the
/// topology, with load asked of each server's Status) and etcd (servers register under a lease;
/// one that dies vanishes within the lease's TTL). Chosen by Discovery:Provider.
/// </summary>
public interface IDiscovery
{
    /// <summary>The client endpoints (host:port) to hand out for <paramref name="cell"/>, best first.</summary>
    IReadOnlyList<string> ChatEndpoints(CellInfo cell);
}
