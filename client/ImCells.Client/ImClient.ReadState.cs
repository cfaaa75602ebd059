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

    /// <summary>The conversation with <paramref name="peer"/>, newest first, seq below <paramref name="beforeSeq"/> (0: from the newest).</summary>
    public Task<HistoryResult> HistoryAsync(ulong peer, ulong beforeSeq = 0, uint limit = 50, CancellationToken ct = default) =>
        Current().HistoryAsync(peer, beforeSeq, limit, ct);

    /// <summary>The most recent conversations first, each with its last message and unread count.</summary>
    public Task<ConversationsResult> ConversationsAsync(uint limit = 50, CancellationToken ct = default) =>
        Current().ConversationsAsync(limit, ct);

    /// <summary>Whether the senders of messages this user reads get a read receipt.</summary>
    public Task<SettingsOk> SetReadReceiptsAsync(bool enabled, CancellationToken ct = default) =>
        Current().SetSettingsAsync(new SetSettingsRequest { ReadReceipts = enabled }, ct);

    private static Channel<T> CreateNotifyChannel<T>() =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(ReadNotifyCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
        });
}
