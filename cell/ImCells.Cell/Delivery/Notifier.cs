using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Delivery;

/// <summary>
/// Pushes mailbox and read-state changes to the online devices of their owners. NewEntries is
/// called inside the HLR write turn right after the commit, so one user's notifies leave in seq order.
/// </summary>
internal sealed class Notifier(SessionRegistry sessions, VisitorPushForwarder? visitors = null)
{
    public void NewEntries(IEnumerable<MailboxEntry> entries) => NewEntries(entries, 0, "");

    /// <summary>
    /// Like <see cref="NewEntries(IEnumerable{MailboxEntry})"/>, except that <paramref name="sendingDevice"/>
    /// of <paramref name="sender"/> gets nothing: its SendAck stood for its own copy.
    /// </summary>
    public void NewEntries(IEnumerable<MailboxEntry> entries, ulong sender, string sendingDevice)
    {
        foreach (var entry in entries)
        {
            if ((sessions.Get(entry.UserId).IsEmpty && !(visitors?.Roams(entry.UserId) ?? false)))
            {
                continue;
            }

            // One frame object for every device: it is serialized per connection, never mutated.
            Push(entry.UserId, new Frame { NewMessage = new NewMessage { Message = ToProto(entry) } },
                exceptDevice: entry.UserId == sender ? sendingDevice : "");
        }
    }

    /// <summary>Tells the sender that a message it was acked for was refused by the recipient's cell.</summary>
    public void SendFailed(ulong sender, string messageId, ulong to, SendOutcome outcome) =>
        SendFailed(sender, messageId, to, SendOutcomes.Code(outcome), SendOutcomes.Reason(outcome, to));

    public void SendFailed(ulong sender, string messageId, ulong to, ErrorCode code, string reason) =>
        Push(sender, new Frame { SendFailed = new SendFailed { MessageId = messageId, To = to, Code = code, Reason = reason } }, "");

    public void ReadReceipt(ulong sender, ulong reader, string messageId, ulong senderSeq, long readAtMs) =>
        Push(sender, new Frame { ReadReceipt = new ReadReceipt { Reader = reader, MessageId = messageId, Seq = senderSeq, ReadAtMs = readAtMs } }, "");

    /// <summary>Tells a user's other devices that a conversation's read state moved.</summary>
    public void ReadStateChanged(ulong user, ReadStateChanged change, string exceptDevice) =>
        Push(user, new Frame { ReadState = change }, exceptDevice);

    public void Presence(ulong watcher, ulong user, Protos.Client.Presence presence, long lastSeenMs) =>
        Push(watcher, new Frame { Presence = new PresenceChanged { User = user, Presence = presence, LastSeenMs = lastSeenMs } }, "");

    public void FriendEvent(ulong user, FriendEvent friendEvent) =>
        Push(user, new Frame { FriendEvent = friendEvent }, "");

    /// <summary>
    /// Pushes a frame to the devices of <paramref name="user"/> connected here, and hands it to the
    /// cells serving the user's roaming devices. Also used for frames a home cell forwarded here.
    /// </summary>
    public void Push(ulong user, Frame frame, string exceptDevice)
    {
        foreach (var session in sessions.Get(user))
        {
            if (session.DeviceId != exceptDevice)
            {
                session.TryPush(frame);
            }
        }

        visitors?.Forward(user, frame, exceptDevice);
    }

    public static ChatMessage ToProto(MailboxEntry entry) => new()
    {
        Id = entry.MessageId,
        From = entry.From,
        To = entry.To,
        Seq = entry.Seq,
        Text = entry.Text,
        SentAtMs = entry.SentAtMs,
        FailedReason = entry.Failure is { } failure ? SendOutcomes.Reason(failure, entry.To) : "",
    };
}
