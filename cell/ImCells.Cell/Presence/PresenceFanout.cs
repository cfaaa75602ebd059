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
/// stops hearing from us (we crashed) can expire our users. This cell decides who sees its users:
/// each report names the watchers, and a block or unblock is announced at once (<see cref="ReannounceAsync"/>).
/// One send at a time, so no report routed before a block can arrive after its announcement.
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
    private readonly SemaphoreSlim _sending = new(1, 1);

    // Announcements whose call failed, retried every refresh interval until one gets through.
    private readonly ConcurrentDictionary<(ulong User, ulong Other), byte> _unannounced = new();

    /// <summary>PresenceBatch calls made for changes (not refreshes), by target cell.</summary>
    public IReadOnlyDictionary<string, ulong> ChangeCalls => _changeCalls;

    /// <summary>How long another cell may trust our ONLINE without a refresh: three refresh intervals.</summary>
    public TimeSpan Ttl => RefreshInterval * 3;

    private TimeSpan RefreshInterval => TimeSpan.FromSeconds(options.HeartbeatSeconds);

    public void Publish(PresenceChange change) => _changes.Writer.TryWrite(change);

    /// <summary>
    /// After <paramref name="user"/> blocked or unblocked its friend <paramref name="other"/>: tells
    /// <paramref name="other"/> at once what it may see now (the user's presence, or offline without a
    /// last-seen time) and, when <paramref name="other"/> is homed elsewhere, replaces the watchers its
    /// cell holds for the user. Returns when that cell has applied it (or the call failed: then it is
    /// retried every refresh interval).
    /// </summary>
    public async Task ReannounceAsync(ulong user, ulong other)
    {
        await _sending.WaitAsync();
        try
        {
            _unannounced.TryRemove((user, other), out _);
            if (!await AnnounceAsync(user, other))
            {
                _unannounced[(user, other)] = 0;
            }
        }
        catch (Exception e)
        {
            FanoutFailed(logger, e, user);
            _unannounced[(user, other)] = 0;
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>See <see cref="ReannounceAsync"/>; false when the other cell could not be told.</summary>
    private async Task<bool> AnnounceAsync(ulong user, ulong other)
    {
        var map = topology.Current;
        var home = map.Locate(other);
        if (home is null)
        {
            return true;
        }

        var watchers = (await friends.PresenceWatchersAsync(user)).ToList();
        var visible = watchers.Contains(other);
        var (presence, lastSeen) = tracker.Get(user);
        if (home.Id == self.Id)
        {
            notifier.Presence(other, user, visible ? presence : Protos.Client.Presence.Offline, visible ? lastSeen : 0);
            return true;
        }

        var item = new CellProto.PresenceItem { User = user, Presence = presence, LastSeenMs = lastSeen };
        item.Watchers.AddRange(watchers.Where(w => map.Locate(w)?.Id == home.Id));
        if (!visible)
        {
            item.HiddenFrom.Add(other);
        }

        // A refresh: the receiver tells only what is news (the hidden friend, or the one shown again).
        var request = new CellProto.PresenceBatchRequest { FromCell = self.Id, Refresh = true, TtlMs = (long)Ttl.TotalMilliseconds, Items = { item } };
        return await CallAsync(home.Id, request, CancellationToken.None);
    }

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
                foreach (var (user, other) in _unannounced.Keys)
                {
                    await ReannounceAsync(user, other);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task SendAsync(List<PresenceChange> changes, bool refresh, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
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
        finally
        {
            _sending.Release();
        }
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

    /// <summary>One PresenceBatch call; false when it did not get through.</summary>
    private async Task<bool> CallAsync(string cellId, CellProto.PresenceBatchRequest request, CancellationToken cancellationToken)
    {
        var cell = topology.Current.FindCell(cellId);
        if (cell is null)
        {
            return false;
        }

        if (!request.Refresh)
        {
            _changeCalls.AddOrUpdate(cellId, 1, (_, n) => n + 1);
        }

        try
        {
            await channels.Client<CellProto.PresencePeering.PresencePeeringClient>(cell.Grpc).PresenceBatchAsync(request, deadline: Deadlines.Short, cancellationToken: cancellationToken);
            return true;
        }
        catch (RpcException e)
        {
            // Best effort: the next refresh repeats the state.
            BatchLost(logger, request.Items.Count, cellId, e.Status.Detail);
            return false;
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Presence of {Count} users not delivered to cell {Cell}: {Detail}")]
    private static partial void BatchLost(ILogger logger, int count, string cell, string detail);

    [LoggerMessage(2, LogLevel.Error, "Presence fan-out for {User} failed")]
    private static partial void FanoutFailed(ILogger logger, Exception exception, ulong user);
}
