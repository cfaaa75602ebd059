using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using ImCells.Cell.Delivery;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Presence;

/// <summary>
/// Tells friends when a user of this cell changes presence: friends here get a notify at once;
/// for every other cell holding friends, the changes gathered in a short window go out as ONE
/// PresenceBatch call. Every refresh interval the current online set is repeated, so a cell that
/// stops hearing from us (we crashed) can expire our users.
/// </summary>
internal sealed partial class PresenceFanout(
    CellIdentity self,
    TopologyCache topology,
    ChannelPool channels,
    FriendCache friends,
    PresenceTracker tracker,
    Notifier notifier,
    ChatOptions options,
    TimeProvider time,
    ILogger<PresenceFanout> logger) : BackgroundService
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(20);
    private readonly Channel<PresenceChange> _changes = Channel.CreateUnbounded<PresenceChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, ulong> _changeCalls = new();

    /// <summary>PresenceBatch calls made for changes (not refreshes), by target cell.</summary>
    public IReadOnlyDictionary<string, ulong> ChangeCalls => _changeCalls;

    /// <summary>How long another cell may trust our ONLINE without a refresh: three refresh intervals.</summary>
    public TimeSpan Ttl => RefreshInterval * 3;

    private TimeSpan RefreshInterval => TimeSpan.FromSeconds(options.HeartbeatSeconds);

    public void Publish(PresenceChange change) => _changes.Writer.TryWrite(change);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var refresh = RefreshLoopAsync(stoppingToken);
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Window, time, stoppingToken); // gather what arrives together into one call per cell
                var batch = new List<PresenceChange>();
                while (_changes.Reader.TryRead(out var change))
                {
                    batch.Add(change);
                }

                await SendAsync(batch, refresh: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await refresh;
    }

    private async Task RefreshLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SendAsync(tracker.OnlineNow(), refresh: true, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(List<PresenceChange> changes, bool refresh, CancellationToken cancellationToken)
    {
        var byCell = new Dictionary<string, CellProto.PresenceBatchRequest>();
        foreach (var change in changes)
        {
            try
            {
                await RouteAsync(change, refresh, byCell);
            }
            catch (Exception e)
            {
                FanoutFailed(logger, e, change.User);
            }
        }

        await Task.WhenAll(byCell.Select(b => CallAsync(b.Key, b.Value, cancellationToken)));
    }

    private async Task RouteAsync(PresenceChange change, bool refresh, Dictionary<string, CellProto.PresenceBatchRequest> byCell)
    {
        var map = topology.Current;
        var remote = new Dictionary<string, CellProto.PresenceItem>();
        foreach (var friend in await friends.PresenceWatchersAsync(change.User))
        {
            var home = map.Locate(friend);
            if (home is null)
            {
                continue;
            }

            if (home.Id == self.Id)
            {
                if (!refresh)
                {
                    notifier.Presence(friend, change.User, change.Presence, change.LastSeenMs);
                }

                continue;
            }

            if (!remote.TryGetValue(home.Id, out var item))
            {
                item = new CellProto.PresenceItem { User = change.User, Presence = change.Presence, LastSeenMs = change.LastSeenMs };
                remote[home.Id] = item;
                if (!byCell.TryGetValue(home.Id, out var request))
                {
                    request = new CellProto.PresenceBatchRequest { FromCell = self.Id, Refresh = refresh, TtlMs = (long)Ttl.TotalMilliseconds };
                    byCell[home.Id] = request;
                }

                request.Items.Add(item);
            }

            item.Watchers.Add(friend);
        }
    }

    private async Task CallAsync(string cellId, CellProto.PresenceBatchRequest request, CancellationToken cancellationToken)
    {
        var cell = topology.Current.FindCell(cellId);
        if (cell is null)
        {
            return;
        }

        if (!request.Refresh)
        {
            _changeCalls.AddOrUpdate(cellId, 1, (_, n) => n + 1);
        }

        try
        {
            await channels.Client<CellProto.PresencePeering.PresencePeeringClient>(cell.Grpc).PresenceBatchAsync(request, deadline: Deadlines.Short, cancellationToken: cancellationToken);
        }
        catch (RpcException e)
        {
            // Best effort: the next refresh repeats the state.
            BatchLost(logger, request.Items.Count, cellId, e.Status.Detail);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Presence of {Count} users not delivered to cell {Cell}: {Detail}")]
    private static partial void BatchLost(ILogger logger, int count, string cell, string detail);

    [LoggerMessage(2, LogLevel.Error, "Presence fan-out for {User} failed")]
    private static partial void FanoutFailed(ILogger logger, Exception exception, ulong user);
}
