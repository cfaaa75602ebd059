using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Pushes mailbox changes to the online devices of their owners. Called inside the HLR write turn
/// right after the commit, so one user's notifies leave in seq order.
/// </summary>
internal sealed class Notifier(SessionRegistry sessions)
{
    public void NewEntries(IEnumerable<MailboxEntry> entries)
    {
        foreach (var entry in entries)
        {
            var targets = sessions.Get(entry.UserId);
            if (targets.IsEmpty)
            {
                continue;
            }

            // One frame object for every device: it is serialized per connection, never mutated.
            var frame = new Frame { NewMessage = new NewMessage { Message = ToProto(entry) } };
            foreach (var session in targets)
            {
                session.TryPush(frame);
            }
        }
    }

    public void SendFailed(ulong sender, string messageId, ulong to, ErrorCode code, string reason)
    {
        var frame = new Frame { SendFailed = new SendFailed { MessageId = messageId, To = to, Code = code, Reason = reason } };
        foreach (var session in sessions.Get(sender))
        {
            session.TryPush(frame);
        }
    }

    public static ChatMessage ToProto(MailboxEntry entry) => new()
    {
        Id = entry.MessageId,
        From = entry.From,
        To = entry.To,
        Seq = entry.Seq,
        Text = entry.Text,
        SentAtMs = entry.SentAtMs,
    };
}
