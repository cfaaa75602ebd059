using ImCells.Protos.Login;

namespace ImCells.Login;

/// <summary>
/// The public Status answer, shared for a second: anyone may ask login for it, and each answer costs
/// a call to every cell, so a caller asking in a loop must not turn into a loop of calls on the cells.
/// Concurrent askers share the one call in flight.
/// </summary>
internal sealed class PublicStatusCache(TimeProvider time)
{
    private static readonly TimeSpan Fresh = TimeSpan.FromSeconds(1);
    private readonly Lock _lock = new();
    private Task<StatusReply>? _reply;
    private DateTimeOffset _askedAt;

    /// <summary>The answer asked within the last second, or a new one from <paramref name="ask"/> (which must bound its own wait).</summary>
    public Task<StatusReply> GetAsync(Func<Task<StatusReply>> ask)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_reply is { IsFaulted: false, IsCanceled: false } && now - _askedAt < Fresh)
            {
                return _reply;
            }

            _askedAt = now;
            return _reply = ask();
        }
    }
}
