namespace ImCells.Registry.Hlr;

/// <summary>One message as it stands in one user's mailbox; <see cref="Failure"/> says why a refused message failed.</summary>
public sealed record MailboxEntry(ulong UserId, ulong Seq, string MessageId, ulong From, ulong To, string Text, long SentAtMs, SendOutcome? Failure = null)
{
    /// <summary>The other party of the conversation this entry belongs to.</summary>
    public ulong Peer => UserId == From ? To : From;
}

/// <summary>A message on its way to another cell: what the outbox holds and Deliver carries.</summary>
public sealed record RoutedMessage(string MessageId, ulong From, ulong To, string Text, long SentAtMs);

/// <summary>A row of the outbox.</summary>
public sealed record OutboxRow(long Id, string TargetCell, RoutedMessage Message);

/// <summary>
/// What became of a message at the recipient's home cell. The storage layer returns outcomes only;
/// the cell turns them into error codes and sentences in one place.
/// </summary>
public enum SendOutcome
{
    Stored,
    UnknownRecipient,
    /// <summary>The recipient blocked the sender: only the sender's copy exists, marked failed.</summary>
    Blocked,
    /// <summary>The recipient takes messages from friends only: only the sender's copy exists, marked failed.</summary>
    NotFriends,
    /// <summary>The recipient's cell refused for another reason (it does not own the number).</summary>
    Refused,
}

/// <summary>
/// The result of a send at the sender's home cell. <see cref="Appended"/> lists the mailbox entries
/// this call created (empty for a duplicate), for the notifier.
/// </summary>
public sealed record SendResult(
    SendOutcome Outcome,
    string MessageId,
    ulong SenderSeq,
    long SentAtMs,
    bool Duplicate,
    IReadOnlyList<MailboxEntry> Appended);

/// <summary>The result of one delivered message; <see cref="Appended"/> is null for a repeat.</summary>
public sealed record DeliverResult(string MessageId, SendOutcome Outcome, ulong Seq, MailboxEntry? Appended);
