using ImCells.Protos.Topology;

namespace ImCells.Cli.Up;

/// <summary>
/// Runs the cells of the topology with their extra chat servers: those of the map `up` began with,
/// later those that an edit of topology.json adds (imcells topology add-cell), and stops those an
/// edit removes (imcells topology remove-cell).
/// </summary>
internal sealed class CellLauncher(ClusterProcesses processes, Action<ClusterProcess> start, Func<string, Task> stop)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<string>> _running = new(StringComparer.Ordinal);

    /// <summary>Starts the cells of <paramref name="map"/> not started yet; returns them.</summary>
    public IReadOnlyList<CellInfo> StartNew(TopologyMap map)
    {
        lock (_lock)
        {
            var added = map.Cells.Where(c => !_running.ContainsKey(c.Id)).ToList();
            foreach (var cell in added)
            {
                var names = new List<string>();
                _running[cell.Id] = names;
                var main = processes.Cell(cell);
                names.Add(main.Name);
                start(main);
                for (var n = 1; n <= cell.ChatServers.Count; n++)
                {
                    var chat = processes.ChatServer(cell, n);
                    names.Add(chat.Name);
                    start(chat);
                }
            }

            return added;
        }
    }

    /// <summary>Stops the cells (and their chat servers) that <paramref name="map"/> no longer lists; returns their ids.</summary>
    public async Task<IReadOnlyList<string>> StopRemovedAsync(TopologyMap map)
    {
        List<(string Cell, List<string> Names)> removed;
        lock (_lock)
        {
            removed = [.. _running.Where(r => !map.Cells.Any(c => c.Id == r.Key)).Select(r => (r.Key, r.Value))];
            foreach (var (cell, _) in removed)
            {
                _running.Remove(cell);
            }
        }

        foreach (var (_, names) in removed)
        {
            await Task.WhenAll(names.Select(stop));
        }

        return [.. removed.Select(r => r.Cell)];
    }
}
