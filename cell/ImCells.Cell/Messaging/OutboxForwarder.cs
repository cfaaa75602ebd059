using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using ImCells.Cell.Delivery;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Carries committed cross-cell messages to their home cells: per target cell, the oldest batch
/// first (so per-sender order holds), one Deliver call per batch (<see cref="DeliverBatch"/>), rows removed only after the
/// target acknowledged. A target that is down is retried with backoff until it answers.
/// The next batch is read after a cursor (the last row acknowledged) while the acknowledged rows
/// are still being deleted: the delete waits for the cell's writer turn, behind the sends, and
/// waiting for it made every batch pay two writer turns. After a restart the cursor starts over,
/// so rows whose delete was lost are sent again, which the target acknowledges without storing.
/// </summary>
internal sealed partial class OutboxForwarder(
    CellIdentity self,
    MailboxStore mailboxes,
    TopologyCache topology,
    ChannelPool channels,
    Notifier notifier,
    TimeProvider time,
    ILogger<OutboxForwarder> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly OutboxBackoff _backoff = new(time);
    private readonly Dictionary<string, long> _acknowledgedUpTo = new(StringComparer.Ordinal);
    /// <summary>The targets whose last delivery failed, for readiness (read from other threads, unlike the backoff).</summary>
    private readonly ConcurrentDictionary<string, bool> _unreachable = new(StringComparer.Ordinal);

    /// <summary>The cells whose last delivery failed and has not gone through since.</summary>
    public IReadOnlyList<string> UnreachableCells() => [.. _unreachable.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Something was added to the outbox: look now rather than at the next poll.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                // The targets are looked up once a pass (a pass ends after 64 rounds, so a new target
                // waits at most that long); within it, batches go while any target has more.
                var targets = await mailboxes.OutboxTargetsAsync(stoppingToken);
                var rounds = 0;
                bool more;
                do
                {
                    more = false;
                    foreach (var target in targets)
                    {
                        more |= await ForwardOneBatchAsync(target, stoppingToken);
                    }

                    busy |= more;
                }
                while (more && ++rounds < 64 && !stoppingToken.IsCancellationRequested);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                ForwarderFailed(logger, e);
            }

            if (!busy)
            {
                using var timeout = new CancellationTokenSource(_backoff.NextWait(IdlePoll), time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
                try
                {
                    await _wake.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Sends one batch to <paramref name="target"/>; true when more may be waiting right away.</summary>
    private async Task<bool> ForwardOneBatchAsync(string target, CancellationToken stoppingToken)
    {
        if (_backoff.IsWaiting(target))
        {
            return false;
        }

        var after = _acknowledgedUpTo.GetValueOrDefault(target);
        var rows = await mailboxes.ReadOutboxAsync(target, after, BatchSize, stoppingToken);
        if (rows.Count == 0)
        {
            return false;
        }

        var cell = topology.Current.FindCell(target);
        if (cell is null)
        {
            Failed(target, rows.Count, $"cell '{target}' is not in topology version {topology.Current.Version}");
            return false;
        }

        var request = DeliverBatch.Build(self.Id, rows);

        CellProto.DeliverReply reply;
        try
        {
            reply = await channels.Client<CellProto.MessagePeering.MessagePeeringClient>(cell.Grpc).DeliverAsync(request, deadline: Deadlines.Work, cancellationToken: stoppingToken);
        }
        catch (RpcException e)
        {
            Failed(target, rows.Count, e.Status.Detail);
            return false;
        }

        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in reply.Results)
        {
            answered.Add(result.MessageId);
            if (result.Outcome != CellProto.DeliverResult.Types.Outcome.Stored)
            {
                await RefusedAsync(rows.First(r => r.Message.MessageId == result.MessageId).Message, result, stoppingToken);
            }
        }

        var done = new List<long>(answered.Count);
        var prefixAnswered = true;
        foreach (var row in rows)
        {
            if (!answered.Contains(row.Message.MessageId))
            {
                prefixAnswered = false;
                continue;
            }

            done.Add(row.Id);
            if (prefixAnswered)
            {
                // Only past an unbroken run of acknowledged rows: one left out is read again next time.
                after = row.Id;
            }
        }

        _acknowledgedUpTo[target] = after;
        _ = RemoveAsync(target, done);
        if (_backoff.RecordSuccess(target))
        {
            _unreachable.TryRemove(target, out _);
            Recovered(logger, target);
        }

        Forwarded(logger, done.Count, target);
        return rows.Count == BatchSize || request.Messages.Count < rows.Count;
    }

    /// <summary>Deletes acknowledged rows without holding up the next batch; a failed delete only means a resend after a restart.</summary>
    private async Task RemoveAsync(string target, List<long> ids)
    {
        try
        {
            await mailboxes.RemoveFromOutboxAsync(ids, CancellationToken.None);
        }
        catch (Exception e)
        {
            RemoveFailed(logger, ids.Count, target, e.Message);
        }
    }

    private async Task RefusedAsync(RoutedMessage message, CellProto.DeliverResult result, CancellationToken cancellationToken)
    {
        var outcome = SendOutcomes.FromWire(result.Outcome);
        await mailboxes.MarkFailedAsync(message.From, message.MessageId, outcome, cancellationToken);
        notifier.SendFailed(message.From, message.MessageId, message.To, outcome);
        Refused(logger, message.MessageId, message.To, string.IsNullOrEmpty(result.Reason) ? SendOutcomes.Reason(outcome, message.To) : result.Reason);
    }

    private void Failed(string target, int pending, string detail)
    {
        var delay = _backoff.RecordFailure(target);
        _unreachable[target] = true;
        DeliverFailed(logger, pending, target, detail, delay.TotalMilliseconds);
    }

    [LoggerMessage(1, LogLevel.Debug, "Forwarded {Count} messages to cell {Cell}")]
    private static partial void Forwarded(ILogger logger, int count, string cell);

    [LoggerMessage(2, LogLevel.Warning, "Cannot deliver {Count} messages to cell {Cell}: {Detail}; retrying in {DelayMs} ms")]
    private static partial void DeliverFailed(ILogger logger, int count, string cell, string detail, double delayMs);

    [LoggerMessage(3, LogLevel.Information, "Cell {Cell} reachable again; outbox flowing")]
    private static partial void Recovered(ILogger logger, string cell);

    [LoggerMessage(4, LogLevel.Warning, "Message {MessageId} to {To} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string messageId, ulong to, string reason);

    [LoggerMessage(6, LogLevel.Warning, "Could not delete {Count} acknowledged outbox rows for cell {Cell} ({Problem}); they are sent again after a restart")]
    private static partial void RemoveFailed(ILogger logger, int count, string cell, string problem);

    [LoggerMessage(5, LogLevel.Error, "Outbox forwarder pass failed; retrying")]
    private static partial void ForwarderFailed(ILogger logger, Exception exception);
}
