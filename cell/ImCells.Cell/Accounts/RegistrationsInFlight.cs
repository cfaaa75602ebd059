using System.Collections.Concurrent;

namespace ImCells.Cell.Accounts;

/// <summary>
/// Request ids whose registration is running in this cell right now (at most one entry per running
/// Register call). A retry that asks while the first attempt is still hashing or committing here is
/// told to come back, instead of being registered a second time in another cell.
/// </summary>
internal sealed class RegistrationsInFlight
{
    private readonly ConcurrentDictionary<string, int> _running = new(StringComparer.Ordinal);

    public bool IsRunning(string requestId) => _running.ContainsKey(requestId);

    /// <summary>Marks <paramref name="requestId"/> as running until the returned handle is disposed.</summary>
    public IDisposable Start(string requestId)
    {
        _running.AddOrUpdate(requestId, 1, (_, n) => n + 1);
        return new Running(this, requestId);
    }

    private void Finish(string requestId)
    {
        while (_running.TryGetValue(requestId, out var n))
        {
            if (n <= 1 ? _running.TryRemove(new KeyValuePair<string, int>(requestId, n)) : _running.TryUpdate(requestId, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Running(RegistrationsInFlight owner, string requestId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Finish(requestId);
            }
        }
    }
}
