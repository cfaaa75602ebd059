namespace ImCells.Cell.Chat;

/// <summary>
/// A token bucket per connection: <c>perSecond</c> requests a second on average, bursts up to twice
/// that. One connection flooding requests gets RATE_LIMITED answers instead of starving the cell.
/// Used only from the connection's read loop, so no locking. <c>perSecond</c> 0 turns it off.
/// A struct, kept inside the session (no object of its own per connection): hold it in a mutable
/// field or local, never a readonly one, or every call works on a copy.
/// </summary>
internal struct RequestRate(int perSecond, TimeProvider time)
{
    private readonly double _capacity = perSecond * 2.0;
    private double _tokens = perSecond * 2.0;
    private long _last = time.GetTimestamp();

    public bool TryTake()
    {
        if (perSecond <= 0)
        {
            return true;
        }

        var now = time.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
