using System.Diagnostics.Metrics;

namespace ImCells.Server.Observability;

/// <summary>
/// What an observable instrument reads when it is collected: the sources registered by the running
/// services (a hosted service adds one at start and removes it at stop). Meters are process-wide, so
/// a gauge sums over every source of the process: in a test that runs two hosts in one process,
/// each adds its own.
/// </summary>
public sealed class ObservedSources<T>
    where T : struct
{
    private readonly Lock _lock = new();
    private Func<IEnumerable<Measurement<T>>>[] _sources = [];

    /// <summary>Adds a source; disposing the result removes it.</summary>
    public IDisposable Add(Func<IEnumerable<Measurement<T>>> source)
    {
        lock (_lock)
        {
            _sources = [.. _sources, source];
        }

        return new Removal(() =>
        {
            lock (_lock)
            {
                _sources = [.. _sources.Where(s => s != source)];
            }
        });
    }

    /// <summary>Every source's measurements; called on collection only (a scrape, dotnet-counters), never on a hot path.</summary>
    public IEnumerable<Measurement<T>> Collect() => Volatile.Read(ref _sources).SelectMany(s => s());

    private sealed class Removal(Action remove) : IDisposable
    {
        private Action? _remove = remove;

        public void Dispose() => Interlocked.Exchange(ref _remove, null)?.Invoke();
    }
}
