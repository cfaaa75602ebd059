using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ImCells.Registry.Hlr;

/// <summary>
/// The HLR's group commit (meter "ImCells.Store"): imcells_store_commit_batch_size (writes per
/// transaction) and imcells_store_commit_duration_seconds (begin to commit), once per commit.
/// </summary>
public static class StoreMetrics
{
    public const string MeterName = "ImCells.Store";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "commit_batch_size", "{write}", "Writes committed together in one transaction");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "commit_duration_seconds", "s", "Time to run and commit one batch of writes, in seconds");

    internal static void Committed(int writes, long startTimestamp)
    {
        BatchSize.Record(writes);
        Duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
    }
}
