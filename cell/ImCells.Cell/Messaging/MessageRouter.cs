using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Cell.Social;
using ImCells.Topology;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Sends one message from a user of this cell: same cell → both mailboxes in one transaction;
/// another cell → the sender's mailbox and the outbox, then the forwarder. Used by the chat
/// connection and by the scheduler alike.
/// </summary>
internal sealed class MessageRouter(
    CellIdentity self,
    TopologyCache topology,
    MailboxStore mailboxes,
    Notifier notifier,
    RemoteUsers remoteUsers,
    OutboxForwarder forwarder,
    MessageIds ids,
    TimeProvider time)
{
    /// <summary>
    /// Throws <see cref="ChatRequestException"/> (UNKNOWN_RECIPIENT) when the recipient does not exist.
    /// <paramref name="sendingDevice"/> (empty: none, e.g. a scheduled send) gets no NewMessage for
    /// the sender's copy of a stored message: its SendAck stands for it (<see cref="OwnCopyInAck"/>).
    /// </summary>
    public async Task<SendResult> SendAsync(ulong from, ulong to, string text, string clientMsgId, string sendingDevice, CancellationToken cancellationToken)
    {
        var owner = topology.Current.Locate(to)
            ?? throw new ChatRequestException(ErrorCode.UnknownRecipient, $"no cell owns number {to}");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var message = new RoutedMessage(ids.Next(now), from, to, text, now);

        if (owner.Id == self.Id)
        {
            var result = await mailboxes.SendLocalAsync(message, clientMsgId, r =>
            {
                notifier.NewEntries(r.Appended, from, OwnCopyInAck(r) ? sendingDevice : "");
                if (r.Outcome is not SendOutcome.Stored and not SendOutcome.UnknownRecipient)
                {
                    // Refused like a foreign cell refuses: acknowledged, then SendFailed.
                    notifier.SendFailed(from, r.MessageId, to, r.Outcome);
                }
            }, CancellationToken.None);
            return result.Outcome == SendOutcome.UnknownRecipient ? throw UnknownRecipient(to) : result;
        }

        // A home cell that cannot be asked now still gets the message: the outbox waits for it.
        if (await remoteUsers.ExistsAsync(owner, to, cancellationToken) == false)
        {
            throw UnknownRecipient(to);
        }

        var sent = await mailboxes.SendRemoteAsync(
            message, clientMsgId, owner.Id, r => notifier.NewEntries(r.Appended, from, OwnCopyInAck(r) ? sendingDevice : ""), CancellationToken.None);
        forwarder.Wake();
        return sent;
    }

    /// <summary>The recipient is homed in another cell: that cell answers later, through the outbox (see SendAck.forwarded).</summary>
    public bool HomedElsewhere(ulong to) => topology.Current.Locate(to) is { } owner && owner.Id != self.Id;

    /// <summary>A newly stored message: its sender's copy is exactly what the SendAck and the request say.</summary>
    public static bool OwnCopyInAck(SendResult result) =>
        result.Outcome == SendOutcome.Stored && !result.Duplicate && result.Appended.Count > 0;

    private static ChatRequestException UnknownRecipient(ulong to) =>
        new(SendOutcomes.Code(SendOutcome.UnknownRecipient), SendOutcomes.Reason(SendOutcome.UnknownRecipient, to));
}
