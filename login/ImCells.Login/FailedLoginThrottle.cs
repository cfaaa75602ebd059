using System.Collections.Concurrent;

namespace ImCells.Login;

/// <summary>
/// Slows down guessing: after a few failed logins for one number, each further answer for that
/// number waits one more second (at most 5). Per login instance; enough to make probing slow.
/// </summary>
internal sealed class FailedLoginThrottle(LoginOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<ulong, (int Count, DateTimeOffset Since)> _failures = new();
    private readonly int _freeFailures = options.FreeFailures;
    private readonly TimeSpan _window = TimeSpan.FromSeconds(options.FailureWindowSeconds);

    public TimeSpan DelayFor(ulong userId)
    {
        if (!_failures.TryGetValue(userId, out var entry) || time.GetUtcNow() - entry.Since > _window)
        {
            return TimeSpan.Zero;
        }

        var excess = entry.Count - _freeFailures;
        return excess <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(excess, 5));
    }

    public void Failed(ulong userId)
    {
        var now = time.GetUtcNow();
        _failures.AddOrUpdate(userId, _ => (1, now), (_, e) => now - e.Since > _window ? (1, now) : (e.Count + 1, e.Since));
        if (_failures.Count > 100_000)
        {
            _failures.Clear(); // a bound on memory under a spray of numbers
        }
    }

    public void Succeeded(ulong userId) => _failures.TryRemove(userId, out _);
}
