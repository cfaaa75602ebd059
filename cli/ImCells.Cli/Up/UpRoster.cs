using ImCells.ClusterHost;

namespace ImCells.Cli.Up;

/// <summary>
/// The processes `up` wants running, with their current pid, start time and restart count, mirrored
/// to the state file (<see cref="UpState"/>) after every change so `imcells status` finds them.
/// </summary>
internal sealed class UpRoster(string statePath, string topologyPath, UpProfile profile)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    public string StatePath => statePath;

    /// <summary>Records that <paramref name="process"/> runs as <paramref name="running"/> (a restart when it ran before).</summary>
    public void Started(ClusterProcess process, HostedProcess running)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(process.Name, out var entry))
            {
                entry.Restarts++;
            }
            else
            {
                entry = new Entry(process);
                _entries[process.Name] = entry;
                _order.Add(process.Name);
            }

            entry.Pid = running.Pid;
            entry.StartedAt = DateTimeOffset.UtcNow;
            Save();
        }
    }

    /// <summary>Forgets <paramref name="name"/>: it is not restarted any more (its cell left the topology).</summary>
    public void Remove(string name)
    {
        lock (_lock)
        {
            if (_entries.Remove(name))
            {
                _order.Remove(name);
                Save();
            }
        }
    }

    /// <summary>The process wanted under <paramref name="name"/>, with when it last started; null when it is not wanted.</summary>
    public (ClusterProcess Process, DateTimeOffset StartedAt)? Find(string name)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(name, out var entry) ? (entry.Process, entry.StartedAt) : null;
        }
    }

    /// <summary>Every wanted process, in start order.</summary>
    public IReadOnlyList<ClusterProcess> All()
    {
        lock (_lock)
        {
            return [.. _order.Select(n => _entries[n].Process)];
        }
    }

    public void DeleteState()
    {
        lock (_lock)
        {
            File.Delete(statePath);
        }
    }

    private void Save()
    {
        var processes = _order.Select(n => _entries[n]).Select(e => new UpProcess(
            e.Process.Name, e.Process.Role, e.Process.Cell, e.Pid, e.StartedAt, e.Restarts, e.Process.EndpointMap(), e.Process.Admin)).ToList();
        try
        {
            new UpState(Environment.ProcessId, _startedAt, topologyPath, profile.Name, processes).Write(statePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Out.WriteLine($"[up] cannot write {statePath}: {e.Message}; `imcells status` will not see the processes");
        }
    }

    private sealed class Entry(ClusterProcess process)
    {
        public ClusterProcess Process { get; } = process;

        public int Pid { get; set; }

        public DateTimeOffset StartedAt { get; set; }

        public int Restarts { get; set; }
    }
}
