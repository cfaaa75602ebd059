using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using ImCells.Cell.Messaging;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Registry.Groups;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;

namespace ImCells.Cell.Groups;

/// <summary>
/// The group home cell's fan-out: per member cell, one lane that sends what that cell has not
/// acknowledged yet, of every group it has members in, in one Deliver call per batch (never one
/// call per member, nor per group). The timeline is the outbox: a lane reads entries after the
/// cell's cursor, and a cursor moves (in memory, then in group_fanout) only when the cell answered.
/// After a restart the lanes start from the stored cursors; the member cells skip what they have.
/// </summary>
internal sealed partial class GroupFanout(
    CellIdentity self,
    TopologyCache topology,
    GroupStore groups,
    GroupTimeline timeline,
    GroupFanoutStore cursors,
    GroupInbox inbox,
    ChannelPool channels,
    TimeProvider time,
    ILogger<GroupFanout> logger) : BackgroundService
{
    private const int EntriesPerGroup = 500;
    private readonly object _lock = new();
    private readonly Dictionary<ulong, Dictionary<string, FanoutCursor>> _cursors = [];
    private readonly Dictionary<ulong, GroupSummary> _summaries = [];
    private readonly ConcurrentDictionary<string, FanoutLane> _lanes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ulong> _calls = new(StringComparer.Ordinal);
    private readonly Channel<ulong> _changes = Channel.CreateUnbounded<ulong>(new UnboundedChannelOptions { SingleReader = true });
    private CancellationToken _stopping;

    /// <summary>Deliver calls made to each other cell (the home cell's own members are served in process).</summary>
    public IReadOnlyDictionary<string, ulong> DeliverCalls => _calls;

    /// <summary>A message was appended: every member cell of the group has something to fetch.</summary>
    public void Appended(ulong group)
    {
        List<string> cells;
        lock (_lock)
        {
            cells = _cursors.TryGetValue(group, out var byCell) ? [.. byCell.Keys] : [];
        }

        foreach (var cell in cells)
        {
            Lane(cell).Mark(group);
        }
    }

    /// <summary>
    /// Membership or settings changed (committed): the member cells, the group's name and size are
    /// read again, one group at a time in the background and retried until read. A send meanwhile
    /// loses nothing: a lane reads after its cell's cursor whenever it is marked.
    /// </summary>
    public void Changed(ulong group) => _changes.Writer.TryWrite(group);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        var loaded = false;
        while (!loaded && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var group in (await cursors.CursorsAsync(null, stoppingToken)).Select(c => c.Group).Distinct())
                {
                    Changed(group);
                }

                loaded = true;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                ReloadFailed(logger, 0, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
            }
        }

        await foreach (var group in _changes.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await ReloadAsync(group, stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                ReloadFailed(logger, group, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                Changed(group);
            }
        }
    }

    private async Task ReloadAsync(ulong group, CancellationToken cancellationToken)
    {
        var rows = await cursors.CursorsAsync(group, cancellationToken);
        var record = await groups.GetAsync(group, cancellationToken);
        lock (_lock)
        {
            // A cursor here may be ahead of its row (rows are saved after the batch): keep the further one.
            var known = _cursors.GetValueOrDefault(group);
            _cursors[group] = rows.ToDictionary(
                r => r.Cell,
                r => known?.GetValueOrDefault(r.Cell) is { } mine && mine.DeliveredSeq > r.DeliveredSeq ? r with { DeliveredSeq = mine.DeliveredSeq } : r,
                StringComparer.Ordinal);
            if (record is not null)
            {
                _summaries[group] = new GroupSummary { Group = group, Name = record.Name, MemberCount = (uint)record.MemberCount };
            }
        }

        foreach (var row in rows)
        {
            Lane(row.Cell).Mark(group);
        }
    }

    private FanoutLane Lane(string cell) => _lanes.GetOrAdd(cell, c => new FanoutLane(c, SendAsync, time, () => _stopping, logger));

    /// <summary>One batch for <paramref name="cell"/> from <paramref name="pending"/>; returns the groups that have more.</summary>
    private async Task<IReadOnlyCollection<ulong>> SendAsync(string cell, IReadOnlyCollection<ulong> pending, CancellationToken cancellationToken)
    {
        var ranges = new List<(ulong Group, ulong After, int Limit)>();
        var until = new Dictionary<ulong, ulong?>();
        var request = new GroupDeliverRequest { FromCell = self.Id };
        lock (_lock)
        {
            foreach (var group in pending)
            {
                if (_cursors.TryGetValue(group, out var byCell) && byCell.TryGetValue(cell, out var cursor)
                    && (cursor.UntilSeq is null || cursor.DeliveredSeq < cursor.UntilSeq))
                {
                    ranges.Add((group, cursor.DeliveredSeq, EntriesPerGroup));
                    until[group] = cursor.UntilSeq;
                    if (_summaries.TryGetValue(group, out var summary))
                    {
                        request.Groups.Add(summary);
                    }
                }
            }
        }

        if (ranges.Count == 0)
        {
            return [];
        }

        var entries = await timeline.EntriesAfterAsync(ranges, cancellationToken);
        var more = new HashSet<ulong>(ranges.Where(r => entries.Count(e => e.Group == r.Group) == EntriesPerGroup).Select(r => r.Group));
        var bytes = 0;
        foreach (var entry in entries)
        {
            if (until[entry.Group] is { } last && entry.Seq > last)
            {
                continue;
            }

            // Cut by bytes; entries come grouped by group in seq order, so what is left stays in order for the next batch.
            bytes += entry.CalculateSize() + 8;
            if (request.Entries.Count > 0 && bytes > DeliverBatch.MaxBytes)
            {
                more.UnionWith(until.Keys);
                break;
            }

            request.Entries.Add(entry);
        }

        if (request.Entries.Count == 0)
        {
            return more;
        }

        await DeliverAsync(cell, request, cancellationToken);
        var delivered = request.Entries.GroupBy(e => e.Group).Select(g => (g.Key, g.Max(e => e.Seq))).ToList();
        lock (_lock)
        {
            foreach (var (group, seq) in delivered)
            {
                if (_cursors.TryGetValue(group, out var byCell) && byCell.TryGetValue(cell, out var cursor))
                {
                    var moved = cursor with { DeliveredSeq = Math.Max(cursor.DeliveredSeq, seq) };
                    if (moved.UntilSeq is { } stop && moved.DeliveredSeq >= stop)
                    {
                        byCell.Remove(cell);
                    }
                    else
                    {
                        byCell[cell] = moved;
                    }
                }
            }
        }

        _ = SaveAsync(cell, delivered);
        return more;
    }

    private async Task DeliverAsync(string cell, GroupDeliverRequest request, CancellationToken cancellationToken)
    {
        if (cell == self.Id)
        {
            await inbox.ApplyAsync(request.Entries, request.Groups, cancellationToken);
            return;
        }

        var target = topology.Current.FindCell(cell) ?? throw new RpcException(new Status(StatusCode.Unavailable, $"cell '{cell}' is not in the topology"));
        _calls.AddOrUpdate(cell, 1, (_, n) => n + 1);
        await channels.Client<GroupPeering.GroupPeeringClient>(target.Grpc).DeliverAsync(request, deadline: Deadlines.Work, cancellationToken: cancellationToken);
    }

    /// <summary>Stores the cursors without holding up the next batch; a lost save only means a resend after a restart.</summary>
    private async Task SaveAsync(string cell, IReadOnlyList<(ulong Group, ulong Seq)> delivered)
    {
        try
        {
            await cursors.AdvanceAsync(cell, delivered, CancellationToken.None);
        }
        catch (Exception e)
        {
            SaveFailed(logger, cell, e.Message);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Group fan-out could not read the cursors of group {Group} (0: all) ({Problem}); retrying")]
    private static partial void ReloadFailed(ILogger logger, ulong group, string problem);

    [LoggerMessage(2, LogLevel.Warning, "Could not store the group fan-out cursors of cell {Cell} ({Problem}); entries are sent again after a restart")]
    private static partial void SaveFailed(ILogger logger, string cell, string problem);
}
