namespace ImCells.Bench;

/// <summary>
/// The fan-out probe: one message into the idle group, and the time until the last online member
/// (the sender aside) got it. Each member counts once.
/// </summary>
internal sealed class GroupFanoutProbe(int members, int expected)
{
    private readonly int[] _got = new int[members];
    private int _reached;
    private long _lastTimestamp;

    /// <summary>The members that got it so far.</summary>
    public int Reached => Volatile.Read(ref _reached);

    public int Expected { get; } = expected;

    public bool Complete => Reached >= Expected;

    /// <summary>From the send to the last arrival in ms; null before any arrival.</summary>
    public double? LastArrivalMs(long sentTimestamp)
    {
        var last = Interlocked.Read(ref _lastTimestamp);
        return last == 0 ? null : LatencyHistogram.TicksToMs(last - sentTimestamp);
    }

    public void Arrived(int member, long nowTimestamp)
    {
        if ((uint)member >= (uint)_got.Length || Interlocked.Exchange(ref _got[member], 1) != 0)
        {
            return;
        }

        long last;
        while (nowTimestamp > (last = Interlocked.Read(ref _lastTimestamp))
               && Interlocked.CompareExchange(ref _lastTimestamp, nowTimestamp, last) != last)
        {
        }

        Interlocked.Increment(ref _reached);
    }
}
