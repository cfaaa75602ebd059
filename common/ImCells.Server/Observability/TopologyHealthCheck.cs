using ImCells.Topology;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImCells.Server.Observability;

/// <summary>Ready once the master's map is here (version 0 stands for "none yet").</summary>
internal sealed class TopologyHealthCheck(TopologyCache topology) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var version = topology.Current.Version;
        return Task.FromResult(version > 0
            ? HealthCheckResult.Healthy($"topology version {version}")
            : HealthCheckResult.Unhealthy("no map from the master yet"));
    }
}

/// <summary>
/// The master answers a map request now (a login server or cell keeps serving on its last map without
/// it, but sees no change and cannot start again): unhealthy when it does not.
/// </summary>
internal sealed class MasterHealthCheck(TopologyCache topology) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await topology.RefreshAsync(cancellationToken);
            return HealthCheckResult.Healthy("the master answers");
        }
        catch (global::Grpc.Core.RpcException e)
        {
            return HealthCheckResult.Unhealthy($"the master does not answer: {e.Status.StatusCode} {e.Status.Detail}");
        }
    }
}
