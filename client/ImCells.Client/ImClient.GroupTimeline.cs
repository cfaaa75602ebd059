using System.Threading.Channels;
using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// Group chat, the timeline side: sending, syncing and paging back through a group's entries
/// (messages and membership events), read cursors, and the entries the server pushes as they happen.
/// </summary>
public sealed partial class ImClient
{
    private readonly Channel<GroupEntry> _groupEntries = CreateNotifyChannel<GroupEntry>();

    // The sender's own devices are pushed its entries too, and a reconnect may push one again.
    private readonly RecentSet<(ulong Group, ulong Seq)> _groupEntriesSeen = new(ReadNotifyCapacity);

    /// <summary>
    /// New entries of this user's groups as the server pushes them, each (group, seq) once. Pushes
    /// may be missed (offline, or AWAY in a large group): catch up with <see cref="GroupSyncAsync"/>
    /// from the highest seq held. Keeps the newest 4096.
    /// </summary>
    public ChannelReader<GroupEntry> GroupEntries => _groupEntries.Reader;

    /// <summary>
    /// Sends to a group. When the answer is lost (UNAVAILABLE, connection lost) it is asked again with
    /// the same client_msg_id, so the group gets the message once.
    /// </summary>
    /// <exception cref="ImClientException">FORBIDDEN when this user is not a member; NOT_FOUND.</exception>
    public Task<GroupSendAck> SendGroupAsync(ulong group, string text, string? clientMsgId = null, CancellationToken ct = default)
    {
        var request = new GroupSendRequest { Group = group, Text = text, ClientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N") };
        return ResendUntilAnsweredAsync((connection, t) => connection.GroupSendAsync(request, t), ct);
    }

    /// <summary>Every entry after <paramref name="fromSeq"/> that this member may see, oldest first (every page of them).</summary>
    public async Task<GroupEntries> GroupSyncAsync(ulong group, ulong fromSeq = 0, CancellationToken ct = default)
    {
        var all = new GroupEntries { Group = group };
        while (true)
        {
            var page = await Current().GroupSyncAsync(group, all.Entries.Count > 0 ? all.Entries[^1].Seq : fromSeq, 0, ct);
            all.Entries.Add(page.Entries);
            all.HeadSeq = page.HeadSeq;
            if (!page.HasMore || page.Entries.Count == 0)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// One page, newest first, seq below <paramref name="beforeSeq"/> (0: from the newest); has_more
    /// says older entries remain (ask again before the last one's seq).
    /// </summary>
    public Task<GroupEntries> GroupHistoryAsync(ulong group, ulong beforeSeq = 0, uint limit = 50, CancellationToken ct = default) =>
        Current().GroupHistoryAsync(group, beforeSeq, limit, ct);

    /// <summary>Marks the group read up to <paramref name="seq"/> (a seq of the group's timeline).</summary>
    public Task<GroupReadOk> MarkGroupReadAsync(ulong group, ulong seq, CancellationToken ct = default) =>
        Current().GroupMarkReadAsync(group, seq, ct);

    // Runs on the connection's read loop.
    private void OnGroupNew(GroupNew notify)
    {
        if (notify.Entry is { } entry && _groupEntriesSeen.Add((entry.Group, entry.Seq)))
        {
            _groupEntries.Writer.TryWrite(entry);
        }
    }
}
