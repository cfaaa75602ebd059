using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImCells.Master;

/// <summary>The master is ready once it serves a valid map (read at start; an invalid edit keeps the last good one).</summary>
internal sealed class TopologyServedHealthCheck(TopologyStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var current = store.Current;
            return Task.FromResult(HealthCheckResult.Healthy($"serving topology version {current.Version} ({current.Map.Cells.Count} cells)"));
        }
        catch (InvalidOperationException e)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(e.Message));
        }
    }
}
