namespace ImCells.ClusterHost;

/// <summary>
/// A set of named processes sharing one <see cref="ProcessLog"/>: start, stop, kill and restart
/// by name, and stop them all at the end. At most one process per name runs; starting a name
/// whose process has exited replaces it. Every process ever started is stopped on disposal, even
/// one that was replaced, so nothing outlives the host.
/// </summary>
public sealed class ProcessHost : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HostedProcess> _current = new(StringComparer.Ordinal);
    private readonly List<HostedProcess> _started = [];

    /// <param name="log">Where every process's output goes.</param>
    /// <param name="stopGrace">How long a stop waits after SIGTERM before SIGKILL. Default 5 s.</param>
    public ProcessHost(ProcessLog log, TimeSpan? stopGrace = null)
    {
        Log = log;
        StopGrace = stopGrace ?? TimeSpan.FromSeconds(5);
    }

    public ProcessLog Log { get; }

    public TimeSpan StopGrace { get; }

    /// <summary>
    /// Raised (on a thread-pool thread) when a process exits without a stop or kill having been
    /// asked for, with its exit code.
    /// </summary>
    public event Action<HostedProcess, int>? ExitedUnexpectedly;

    /// <summary>Starts <paramref name="spec"/> under its name; throws if a process of that name still runs.</summary>
    public HostedProcess Start(ProcessSpec spec)
    {
        lock (_lock)
        {
            if (_current.TryGetValue(spec.Name, out var running) && !running.HasExited)
            {
                throw new InvalidOperationException($"{running} is already running");
            }

            var process = HostedProcess.Start(spec, Log);
            _current[spec.Name] = process;
            _started.Add(process);
            _ = WatchAsync(process);
            return process;
        }
    }

    /// <summary>The latest process started under <paramref name="name"/>, running or not; null if none.</summary>
    public HostedProcess? Find(string name)
    {
        lock (_lock)
        {
            return _current.GetValueOrDefault(name);
        }
    }

    public bool IsRunning(string name) => Find(name) is { HasExited: false };

    /// <summary>Every process that runs now.</summary>
    public IReadOnlyList<HostedProcess> Running()
    {
        lock (_lock)
        {
            return [.. _current.Values.Where(p => !p.HasExited)];
        }
    }

    /// <summary>SIGTERM, then SIGKILL after <see cref="StopGrace"/>. Returns the exit code (null: would not die).</summary>
    public Task<int?> StopAsync(string name) => Require(name).StopAsync(StopGrace);

    /// <summary>SIGKILL: no goodbye, whatever the process had not written is lost.</summary>
    public Task<int?> KillAsync(string name) => Require(name).KillAsync();

    /// <summary>Stops the process of <paramref name="name"/> (if it runs) and starts its spec again.</summary>
    public async Task<HostedProcess> RestartAsync(string name)
    {
        var old = Find(name) ?? throw new InvalidOperationException($"no process named {name} was ever started");
        if (!old.HasExited)
        {
            await old.StopAsync(StopGrace);
        }

        return Start(old.Spec);
    }

    /// <summary>Stops every running process at once (SIGTERM, SIGKILL after the grace); returns those that would not die.</summary>
    public async Task<IReadOnlyList<HostedProcess>> StopAllAsync()
    {
        List<HostedProcess> all;
        lock (_lock)
        {
            all = [.. _started];
        }

        var codes = await Task.WhenAll(all.Select(p => p.StopAsync(StopGrace)));
        return [.. all.Where((_, i) => codes[i] is null)];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        List<HostedProcess> all;
        lock (_lock)
        {
            all = [.. _started];
            _started.Clear();
            _current.Clear();
        }

        foreach (var process in all)
        {
            await process.DisposeAsync();
        }
    }

    private HostedProcess Require(string name) =>
        Find(name) ?? throw new InvalidOperationException($"no process named {name} was ever started");

    private async Task WatchAsync(HostedProcess process)
    {
        var code = await process.Exited;
        if (!process.StopRequested)
        {
            ExitedUnexpectedly?.Invoke(process, code);
        }
    }
}
