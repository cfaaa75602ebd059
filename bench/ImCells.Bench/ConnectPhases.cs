using System.Diagnostics;

namespace ImCells.Bench;

/// <summary>When each step of one connect ended (<see cref="Stopwatch"/> timestamps; 0 = not reached).</summary>
internal sealed class ConnectPhases
{
    public long Start = Stopwatch.GetTimestamp();
    public long TcpDone;
    public long TlsDone;
    public long AuthDone;

    public void Mark(ref long step) => step = Stopwatch.GetTimestamp();

    public static double Ms(long from, long to) => from == 0 || to == 0 ? double.NaN : LatencyHistogram.TicksToMs(to - from);
}
