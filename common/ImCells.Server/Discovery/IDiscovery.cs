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

/// <summary>Bound from the "Discovery" configuration section.</summary>
public sealed class DiscoveryOptions
{
    /// <summary>"static" (default: topology.json) or "etcd".</summary>
    public string Provider { get; set; } = "static";

    /// <summary>The etcd endpoint, e.g. http://127.0.0.1:23790.</summary>
    public string Etcd { get; set; } = "http://127.0.0.1:2379";

    /// <summary>Lease TTL of a registration; a dead server disappears within it (default 5 s).</summary>
    public int TtlSeconds { get; set; } = 5;

    /// <summary>Key prefix under which chat servers register.</summary>
    public string Prefix { get; set; } = "/imcells/chat/";

    public bool UsesEtcd => string.Equals(Provider, "etcd", StringComparison.OrdinalIgnoreCase);
}
