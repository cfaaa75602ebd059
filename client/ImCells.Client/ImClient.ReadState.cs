using System.Threading.Channels;
using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// Reading: the conversation list and its unread counts, history pages, read cursors, and the
/// notifies that follow them (receipts for the sender, read state for the reader's other devices).
/// </summary>
public sealed partial class ImClient
{
    private const int ReadNotifyCapacity = 4096;

    // Notifies only a live UI cares about: when nobody reads them, keep the newest rather than grow.
    private readonly Channel<ReadReceipt> _readReceipts = CreateNotifyChannel<ReadReceipt>();
    private readonly Channel<ReadStateChanged> _readStates = CreateNotifyChannel<ReadStateChanged>();

    /// <summary>The recipients of this user's messages reading them (when they allow receipts). Keeps the newest 4096.</summary>
    public ChannelReader<ReadReceipt> ReadReceipts => _readReceipts.Reader;

    /// <summary>Read cursors moved by this user's other devices. Keeps the newest 4096.</summary>
    public ChannelReader<ReadStateChanged> ReadStates => _readStates.Reader;

    /// <summary>Marks the conversation with <paramref name="peer"/> read up to <paramref name="seq"/> (a seq of this user's mailbox).</summary>
    public Task<MarkReadOk> MarkReadAsync(ulong peer, ulong seq, CancellationToken ct = default) =>
        Current().MarkReadAsync(peer, seq, ct);

    /// <summary>
    /// One page of the conversation with <paramref name="peer"/>, newest first, seq below
    /// <paramref name="beforeSeq"/> (0: from the newest). A page may hold fewer than
    /// <paramref name="limit"/> (it is cut by bytes too); has_more says older messages remain.
    /// </summary>
    public Task<HistoryResult> HistoryAsync(ulong peer, ulong beforeSeq = 0, uint limit = 50, CancellationToken ct = default) =>
        Current().HistoryAsync(peer, beforeSeq, limit, ct);

    /// <summary>
    /// One page of conversations, the most recent first, each with its last message and unread count:
    /// those whose newest message is older than <paramref name="beforeSeq"/> (0: from the most recent).
    /// A page may hold fewer than <paramref name="limit"/> (it is cut by bytes too); has_more says
    /// another follows (ask with before_seq = the last one's last_message.seq).
    /// </summary>
    public Task<ConversationsResult> ConversationsAsync(uint limit = 50, ulong beforeSeq = 0, CancellationToken ct = default) =>
        Current().ConversationsAsync(limit, beforeSeq, ct);

    /// <summary>The user's settings as they are (today: whether senders get read receipts).</summary>
    public Task<SettingsOk> GetSettingsAsync(CancellationToken ct = default) =>
        Current().GetSettingsAsync(ct);

    /// <summary>Whether the senders of messages this user reads get a read receipt.</summary>
    public Task<SettingsOk> SetReadReceiptsAsync(bool enabled, CancellationToken ct = default) =>
        Current().SetSettingsAsync(new SetSettingsRequest { ReadReceipts = enabled }, ct);

    private static Channel<T> CreateNotifyChannel<T>() =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(ReadNotifyCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
        });
}
