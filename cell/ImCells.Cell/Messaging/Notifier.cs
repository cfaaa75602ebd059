using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Pushes mailbox and read-state changes to the online devices of their owners. NewEntries is
/// called inside the HLR write turn right after the commit, so one user's notifies leave in seq order.
/// </summary>
internal sealed class Notifier(SessionRegistry sessions, ChatOptions options)
{
    public void NewEntries(IEnumerable<MailboxEntry> entries)
    {
        foreach (var entry in entries)
        {
            var targets = sessions.Get(entry.UserId);
            if (targets.IsEmpty || IsDroppedByTestHook(entry))
            {
                continue;
            }

            // One frame object for every device: it is serialized per connection, never mutated.
            Push(targets, new Frame { NewMessage = new NewMessage { Message = ToProto(entry) } }, except: null);
        }
    }

    public void SendFailed(ulong sender, string messageId, ulong to, ErrorCode code, string reason) =>
        Push(sessions.Get(sender), new Frame { SendFailed = new SendFailed { MessageId = messageId, To = to, Code = code, Reason = reason } }, null);

    public void ReadReceipt(ulong sender, ulong reader, string messageId, ulong senderSeq, long readAtMs) =>
        Push(sessions.Get(sender), new Frame { ReadReceipt = new ReadReceipt { Reader = reader, MessageId = messageId, Seq = senderSeq, ReadAtMs = readAtMs } }, null);

    /// <summary>Tells a user's other devices that a conversation's read state moved.</summary>
    public void ReadStateChanged(ulong user, ReadStateChanged change, ChatSession? except) =>
        Push(sessions.Get(user), new Frame { ReadState = change }, except);

    public void Presence(ulong watcher, ulong user, Protos.Client.Presence presence, long lastSeenMs) =>
        Push(sessions.Get(watcher), new Frame { Presence = new PresenceChanged { User = user, Presence = presence, LastSeenMs = lastSeenMs } }, null);

    public void FriendEvent(ulong user, FriendEvent friendEvent) =>
        Push(sessions.Get(user), new Frame { FriendEvent = friendEvent }, null);

    public static ChatMessage ToProto(MailboxEntry entry) => new()
    {
        Id = entry.MessageId,
        From = entry.From,
        To = entry.To,
        Seq = entry.Seq,
        Text = entry.Text,
        SentAtMs = entry.SentAtMs,
        FailedReason = entry.FailedReason ?? "",
    };

    private static void Push(ReadOnlySpan<ChatSession> targets, Frame frame, ChatSession? except)
    {
        foreach (var session in targets)
        {
            if (session != except)
            {
                session.TryPush(frame);
            }
        }
    }

    private bool IsDroppedByTestHook(MailboxEntry entry) =>
        options.TestDropNotifyMarker.Length > 0 && entry.Text.Contains(options.TestDropNotifyMarker, StringComparison.Ordinal);
}
