using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ImCells.Server.Observability;

/// <summary>
/// How long a send waits for its ack (meter "ImCells.Send"): imcells_send_ack_latency_seconds, from
/// the client's send frame parsed to the ack queued for writing, on this process.
/// </summary>
public static class SendMetrics
{
    public const string MeterName = "ImCells.Send";

    private static readonly Meter Meter = new(MeterName);

    internal static readonly Histogram<double> AckLatency = Meter.CreateHistogram<double>(
        "ack_latency_seconds", "s", "Send frame arrived to ack written, in seconds");

    /// <summary>Records the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/>).</summary>
    public static void Acked(long startTimestamp) => AckLatency.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds);
}
