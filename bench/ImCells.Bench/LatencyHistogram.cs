using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>
/// Latencies in 10 µs buckets below 1 s and 1 ms buckets from 1 s to 100 s (slower lands in the
/// last bucket; max is exact).
/// Recording is lock-free, so many read loops can record at once; percentiles scan the buckets.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int FineMicros = 10;
    private const int FineBuckets = 100_000;
    private const int CoarseMicros = 1000;
    private const int Buckets = FineBuckets + 99_000;
    private readonly int[] _counts = new int[Buckets];
    private long _total;
    private long _maxTicks;

    public long Count => Interlocked.Read(ref _total);

    public static double TicksToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    public void RecordSince(long startTimestamp) => Record(Stopwatch.GetTimestamp() - startTimestamp);

    public void Record(long ticks)
    {
        if (ticks < 0)
        {
            ticks = 0;
        }

        var micros = ticks * 1_000_000 / Stopwatch.Frequency;
        var index = micros < FineMicros * FineBuckets
            ? micros / FineMicros
            : Math.Min(FineBuckets + ((micros - (FineMicros * FineBuckets)) / CoarseMicros), Buckets - 1);
        Interlocked.Increment(ref _counts[(int)index]);
        Interlocked.Increment(ref _total);
        long max;
        while (ticks > (max = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, ticks, max) != max)
        {
        }
    }

    /// <summary>The latency in ms below which <paramref name="percentile"/> % of the samples fall (upper bucket edge); 0 without samples.</summary>
    public double PercentileMs(double percentile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(total * percentile / 100.0);
        long seen = 0;
        for (var i = 0; i < Buckets; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                var upperMicros = i < FineBuckets ? (i + 1L) * FineMicros : (FineMicros * FineBuckets) + ((i - FineBuckets + 1L) * CoarseMicros);
                return Math.Min(upperMicros / 1000.0, MaxMs);
            }
        }

        return MaxMs;
    }

    public double MaxMs => TicksToMs(Interlocked.Read(ref _maxTicks));

    public JsonObject ToJson() => new()
    {
        ["samples"] = Count,
        ["p50_ms"] = BenchEnvironment.Round(PercentileMs(50), 2),
        ["p90_ms"] = BenchEnvironment.Round(PercentileMs(90), 2),
        ["p95_ms"] = BenchEnvironment.Round(PercentileMs(95), 2),
        ["p99_ms"] = BenchEnvironment.Round(PercentileMs(99), 2),
        ["max_ms"] = BenchEnvironment.Round(MaxMs, 2),
    };
}
