using System.Diagnostics;

namespace ImCells.Cell.Chat;

/// <summary>
/// A token bucket per connection: <c>perSecond</c> requests a second on average, bursts up to twice
/// that. One connection flooding requests gets RATE_LIMITED answers instead of starving the cell.
/// Used only from the connection's read loop, so no locking.
/// </summary>
internal sealed class RequestRate(int perSecond)
{
    private readonly double _capacity = perSecond * 2.0;
    private double _tokens = perSecond * 2.0;
    private long _last = Stopwatch.GetTimestamp();

    public bool TryTake()
    {
        if (perSecond <= 0)
        {
            return true;
        }

        var now = Stopwatch.GetTimestamp();
        _tokens = Math.Min(_capacity, _tokens + Stopwatch.GetElapsedTime(_last, now).TotalSeconds * perSecond);
        _last = now;
        if (_tokens < 1)
        {
            return false;
        }

        _tokens -= 1;
        return true;
    }
}
