using System.Diagnostics.Metrics;
using Prometheus;

namespace ImCells.Server.Observability;

/// <summary>
/// How the ImCells meters reach Prometheus: prometheus-net's MeterAdapter publishes every instrument
/// of a meter named "ImCells.*" as "meter_instrument" in snake case (meter "ImCells.Messages" and
/// instrument "received_total" give imcells_messages_received_total; the unit is not appended).
/// </summary>
/// <remarks>
/// The adapter exports a .NET Counter as a Prometheus gauge that only grows (the instrument could be
/// created again, and a Prometheus counter must never go down); rate() reads it like a counter.
/// A series the adapter has not seen change for <see cref="Expiry"/> is dropped (its longest
/// allowed); it starts again from 0 at its next change, which rate() takes for a counter reset.
/// </remarks>
public static class MetricsExport
{
    public static readonly TimeSpan Expiry = TimeSpan.FromDays(1);

    private static readonly Lock StartLock = new();
    private static bool _started;

    /// <summary>Seconds from 0.5 ms to about 16 s, doubling: a send ack is milliseconds, a stalled commit seconds.</summary>
    internal static readonly double[] SecondsBuckets = Histogram.ExponentialBuckets(0.0005, 2, 16);

    /// <summary>Writes per commit, 1 to the writer's largest batch (256).</summary>
    internal static readonly double[] BatchBuckets = Histogram.ExponentialBuckets(1, 2, 9);

    /// <summary>The adapter's options for publishing into <paramref name="registry"/>: only ImCells meters, our buckets.</summary>
    public static MeterAdapterOptions Options(CollectorRegistry registry) => new()
    {
        Registry = registry,
        MetricFactory = Metrics.WithCustomRegistry(registry),
        InstrumentFilterPredicate = IsImCells,
        MetricsExpireAfter = Expiry,
        ResolveHistogramBuckets = instrument => instrument.Unit == "s" ? SecondsBuckets : BatchBuckets,
    };

    /// <summary>
    /// Publishes the ImCells meters in prometheus-net's default registry (what /metrics serves), with
    /// its process metrics (process_*) but without its own event-counter and meter adapters, which
    /// would add every runtime and ASP.NET Core instrument. Once per process.
    /// </summary>
    public static void StartDefault()
    {
        lock (StartLock)
        {
            if (_started)
            {
                return;
            }

            Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
            {
                SuppressEventCounters = true,
                SuppressMeters = true,
                SuppressDebugMetrics = true,
            });
            MeterAdapter.StartListening(Options(Metrics.DefaultRegistry));
            _started = true;
        }
    }

    private static bool IsImCells(Instrument instrument) => instrument.Meter.Name.StartsWith("ImCells.", StringComparison.Ordinal);
}
