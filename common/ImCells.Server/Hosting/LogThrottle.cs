using System.Collections.Concurrent;

namespace ImCells.Server.Hosting;

/// <summary>
/// Lets one log line per key through per period, so a peer that knocks in a loop (a stranger, a
/// misconfigured server) cannot flood the log. Remembers at most <c>capacity</c> keys.
/// </summary>
public sealed class LogThrottle<TKey>(TimeSpan period, int capacity = 10_000)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, long> _lastLogged = new();

    /// <summary>True when nothing was logged for <paramref name="key"/> within the period (and counts this as logged).</summary>
    public bool Allow(TKey key)
    {
        var now = Environment.TickCount64;
        if (_lastLogged.TryGetValue(key, out var last) && now - last < period.TotalMilliseconds)
        {
            return false;
        }

        if (_lastLogged.Count >= capacity)
        {
            // Rarely reached; forgetting everyone only lets each of them log once more.
            _lastLogged.Clear();
        }

        _lastLogged[key] = now;
        return true;
    }
}
