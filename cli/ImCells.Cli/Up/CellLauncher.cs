using ImCells.ClusterHost;
using ImCells.Protos.Topology;

namespace ImCells.Cli.Up;

/// <summary>
/// Starts each cell of the topology once, with its extra chat servers: those of the map `up`
/// began with, and later those that an edit of topology.json adds (imcells topology add-cell).
/// </summary>
internal sealed class CellLauncher(ProcessHost host, ServerCommands servers, string masterUrl, string tokenKey, string workingDirectory)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _started = new(StringComparer.Ordinal);

    /// <summary>Starts the cells of <paramref name="map"/> not started yet; returns them.</summary>
    public IReadOnlyList<CellInfo> StartNew(TopologyMap map)
    {
        lock (_lock)
        {
            var added = map.Cells.Where(c => !_started.Contains(c.Id)).ToList();
            foreach (var cell in added)
            {
                _started.Add(cell.Id);
                host.Start(servers.Cell(cell.Id, masterUrl, tokenKey) with { WorkingDirectory = workingDirectory });
                for (var n = 1; n <= cell.ChatServers.Count; n++)
                {
                    host.Start(servers.ChatServer(cell.Id, n, masterUrl, tokenKey) with { WorkingDirectory = workingDirectory });
                }
            }

            return added;
        }
    }
}
