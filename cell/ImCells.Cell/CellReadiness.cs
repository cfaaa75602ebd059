using System.Diagnostics.Metrics;
using ImCells.Cell.Delivery;
using ImCells.Cell.Messaging;
using ImCells.Registry.Hlr;
using ImCells.Server.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImCells.Cell;

/// <summary>
/// Ready needs the cell's own database answering a real query (one on its outbox table, so the
/// schema is read, not only a connection opened); the check's timeout bounds a database that hangs.
/// </summary>
internal sealed class DatabaseHealthCheck(CellSite site) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await site.Database.ReadAsync(async connection =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT 1 FROM outbox WHERE 1 = 0";
                return await command.ExecuteScalarAsync(cancellationToken);
            }, cancellationToken);
            return HealthCheckResult.Healthy(site.Database.Description);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the database does not answer: {e.Message}");
        }
    }
}

/// <summary>
/// Other cells, as the outbox sees them: degraded (still ready: this cell's own users are served and
/// messages for the other cell wait) while messages for a cell cannot be delivered to it.
/// </summary>
internal sealed class PeerCellsHealthCheck(OutboxForwarder outbox) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var unreachable = outbox.UnreachableCells();
        return Task.FromResult(unreachable.Count == 0
            ? HealthCheckResult.Healthy("every cell the outbox delivered to answers")
            : HealthCheckResult.Degraded($"outbox cannot deliver to cell {string.Join(", ", unreachable)}"));
    }
}

/// <summary>Feeds imcells_chat_connections from this process's sessions while it runs.</summary>
internal sealed class ConnectionsGauge(SessionRegistry sessions) : IHostedService
{
    private IDisposable? _source;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _source = ChatMetrics.ConnectionSources.Add(() => [new Measurement<int>(sessions.Connections)]);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _source?.Dispose();
        return Task.CompletedTask;
    }
}
