using System.Diagnostics.Metrics;
using ImCells.Registry.Hlr;
using ImCells.Server.Observability;
using ImCells.Topology;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Feeds imcells_outbox_depth and imcells_outbox_oldest_age_seconds: reads the outbox's backlog per
/// target cell every few seconds, so a scrape reads memory and never waits for the database. Every
/// other cell of the map is reported, with 0 when nothing waits for it.
/// </summary>
internal sealed partial class OutboxGauges(
    CellIdentity self, MailboxStore mailboxes, TopologyCache topology, TimeProvider time, ILogger<OutboxGauges> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private volatile IReadOnlyDictionary<string, OutboxBacklog> _backlog = new Dictionary<string, OutboxBacklog>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var depth = OutboxMetrics.DepthSources.Add(Depths);
        using var age = OutboxMetrics.OldestAgeSources.Add(OldestAges);
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                _backlog = (await mailboxes.OutboxBacklogAsync(stoppingToken)).ToDictionary(b => b.TargetCell, StringComparer.Ordinal);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The last figures stay; the database's own outage is logged by the HLR.
                SampleFailed(logger, e.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IEnumerable<string> Targets() =>
        topology.Current.Map.Cells.Select(c => c.Id).Where(id => id != self.Id).Union(_backlog.Keys, StringComparer.Ordinal);

    private IEnumerable<Measurement<long>> Depths()
    {
        var backlog = _backlog;
        return Targets().Select(t => new Measurement<long>(
            backlog.TryGetValue(t, out var b) ? b.Depth : 0, new KeyValuePair<string, object?>(OutboxMetrics.TargetTag, t)));
    }

    private IEnumerable<Measurement<double>> OldestAges()
    {
        var backlog = _backlog;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return Targets().Select(t => new Measurement<double>(
            backlog.TryGetValue(t, out var b) && b.Depth > 0 ? Math.Max(0, now - b.OldestSentAtMs) / 1000.0 : 0,
            new KeyValuePair<string, object?>(OutboxMetrics.TargetTag, t)));
    }

    [LoggerMessage(1, LogLevel.Debug, "Could not read the outbox backlog for the metrics: {Problem}")]
    private static partial void SampleFailed(ILogger logger, string problem);
}
