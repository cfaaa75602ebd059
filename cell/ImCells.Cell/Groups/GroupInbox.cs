using System.Collections.Concurrent;
using ImCells.Cell.Delivery;
using ImCells.Cell.Presence;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Registry.Groups;
using ImCells.Topology;
using EventKind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Cell.Groups;

/// <summary>
/// A member cell's end of group fan-out: applies a batch of timeline entries (one transaction,
/// per-member writes only for membership events and mentions), then pushes each new entry to the
/// devices of this cell's members, wherever they are attached. In groups above Groups:PushThreshold
/// only members whose presence is ONLINE are pushed; the others learn at their next GroupSync.
/// </summary>
internal sealed class GroupInbox(
    CellIdentity self,
    TopologyCache topology,
    MemberGroupStore memberGroups,
    Notifier notifier,
    PresenceTracker presence,
    GroupOptions options)
{
    private readonly ConcurrentDictionary<ulong, ulong[]> _localMembers = new();

    public async Task<MemberGroupStore.Applied> ApplyAsync(
        IReadOnlyList<GroupEntry> entries, IEnumerable<GroupSummary> groups, CancellationToken cancellationToken)
    {
        var summaries = groups.ToDictionary(g => g.Group, g => (g.Name, (int)g.MemberCount));
        var map = topology.Current;
        var applied = await memberGroups.ApplyAsync(entries, summaries, user => map.Locate(user)?.Id == self.Id, null, CancellationToken.None);
        // Pushed before the reply: the next batch of a group comes only after it, so devices see seq order.
        foreach (var entry in applied.Entries)
        {
            await PushAsync(entry, summaries.TryGetValue(entry.Group, out var s) ? s.Item2 : 0, cancellationToken);
        }

        return applied;
    }

    private async Task PushAsync(GroupEntry entry, int memberCount, CancellationToken cancellationToken)
    {
        if (entry.Event is not null)
        {
            _localMembers.TryRemove(entry.Group, out _);
        }

        var members = await LocalMembersAsync(entry.Group, cancellationToken);
        var frame = new Frame { GroupNew = new GroupNew { Entry = entry } };
        var onlineOnly = memberCount > options.PushThreshold;
        foreach (var user in members)
        {
            Push(user, frame, onlineOnly);
        }

        // Those this event put out of the group (removed, left, dissolved) still hear of it.
        if (entry.Event is { Kind: EventKind.Removed or EventKind.Left or EventKind.Dissolved })
        {
            foreach (var user in await memberGroups.LeftAtAsync(entry.Group, entry.Seq, cancellationToken))
            {
                Push(user, frame, false);
            }
        }
    }

    private void Push(ulong user, Frame frame, bool onlineOnly)
    {
        if (onlineOnly && presence.Get(user).Presence != Protos.Client.Presence.Online)
        {
            return;
        }

        notifier.Push(user, frame, "");
    }

    private async ValueTask<ulong[]> LocalMembersAsync(ulong group, CancellationToken cancellationToken)
    {
        if (_localMembers.TryGetValue(group, out var members))
        {
            return members;
        }

        members = await memberGroups.LocalMembersAsync(group, cancellationToken);
        _localMembers[group] = members;
        return members;
    }
}
