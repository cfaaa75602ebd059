using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImCells.Server.Observability;

/// <summary>
/// Readiness as a metric (meter "ImCells.Readiness"): imcells_readiness_status{check="overall"|name},
/// 2 healthy, 1 degraded, 0 unhealthy, from the last periodic run of the readiness checks (every
/// <see cref="Period"/>), so a dashboard can show what /readyz says without calling it.
/// </summary>
public static class ReadinessMetrics
{
    public const string MeterName = "ImCells.Readiness";
    public const string Overall = "overall";

    /// <summary>How often the checks run for this gauge (and for gRPC health's Watch).</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private static readonly Meter Meter = new(MeterName);

    public static readonly ObservedSources<int> Sources = new();

    private static readonly ObservableGauge<int> Status = Meter.CreateObservableGauge(
        "status", Sources.Collect, "{status}", "Readiness of the process and of each check: 2 healthy, 1 degraded, 0 unhealthy");

    public static int Value(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => 2,
        HealthStatus.Degraded => 1,
        _ => 0,
    };
}

/// <summary>Keeps the last readiness report for <see cref="ReadinessMetrics"/>.</summary>
internal sealed class ReadinessPublisher : IHealthCheckPublisher, IDisposable
{
    private readonly IDisposable _source;
    private volatile Measurement<int>[] _last = [];

    public ReadinessPublisher() => _source = ReadinessMetrics.Sources.Add(() => _last);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        _last =
        [
            new(ReadinessMetrics.Value(report.Status), new KeyValuePair<string, object?>("check", ReadinessMetrics.Overall)),
            .. report.Entries.Select(e => new Measurement<int>(ReadinessMetrics.Value(e.Value.Status), new KeyValuePair<string, object?>("check", e.Key))),
        ];
        return Task.CompletedTask;
    }

    public void Dispose() => _source.Dispose();
}
