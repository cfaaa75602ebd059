using System.Data.Common;
using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Mailboxes with a dense per-user seq, the sent index that makes sends idempotent, the outbox of
/// cross-cell messages and the device cursors. Every write is one transaction on the write turn.
/// </summary>
public sealed class MailboxStore(HlrDatabase database)
{
    internal const string MailboxColumns = "user_id AS UserId, seq AS Seq, message_id AS MessageId, from_user AS FromUser, to_user AS ToUser, text AS Text, sent_at_ms AS SentAtMs, failed AS Failed";

    /// <summary>
    /// Sender and recipient both live here: both mailboxes in one transaction. A repeated
    /// (sender, clientMsgId) returns the first result and appends nothing.
    /// </summary>
    public Task<SendResult> SendLocalAsync(
        RoutedMessage message, string clientMsgId, Action<SendResult>? afterCommit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var earlier = await FindSentAsync(connection, transaction, message.From, clientMsgId);
            if (earlier is not null)
            {
                return earlier;
            }

            if (!await UserExistsAsync(connection, transaction, message.To))
            {
                return new SendResult(SendOutcome.UnknownRecipient, message.MessageId, 0, message.SentAtMs, false, []);
            }

            var refusal = await SocialStore.RefusalAsync(connection, transaction, message.To, message.From);
            if (refusal != Refusal.None)
            {
                // Refused the same way a foreign cell refuses: the sender's copy, marked failed; nothing for the recipient.
                var failed = await AppendAsync(connection, transaction, message.From, message, RefusalReason(refusal));
                await RecordSentAsync(connection, transaction, message, clientMsgId, failed.Seq);
                return new SendResult(refusal == Refusal.Blocked ? SendOutcome.Blocked : SendOutcome.NotFriends,
                    message.MessageId, failed.Seq, message.SentAtMs, false, [failed]);
            }

            var senderEntry = await AppendAsync(connection, transaction, message.From, message);
            var appended = new List<MailboxEntry> { senderEntry };
            if (message.To != message.From)
            {
                appended.Add(await AppendAsync(connection, transaction, message.To, message));
            }

            await RecordSentAsync(connection, transaction, message, clientMsgId, senderEntry.Seq);
            return new SendResult(SendOutcome.Stored, message.MessageId, senderEntry.Seq, message.SentAtMs, false, appended);
        }, afterCommit, cancellationToken);

    /// <summary>The recipient lives in <paramref name="targetCell"/>: the sender's mailbox and the outbox, in one transaction.</summary>
    public Task<SendResult> SendRemoteAsync(
        RoutedMessage message, string clientMsgId, string targetCell, Action<SendResult>? afterCommit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var earlier = await FindSentAsync(connection, transaction, message.From, clientMsgId);
            if (earlier is not null)
            {
                return earlier;
            }

            var senderEntry = await AppendAsync(connection, transaction, message.From, message);
            await connection.ExecuteAsync(
                "INSERT INTO outbox (target_cell, message_id, from_user, to_user, text, sent_at_ms) VALUES (@targetCell, @MessageId, @From, @To, @Text, @SentAtMs)",
                new { targetCell, message.MessageId, From = (long)message.From, To = (long)message.To, message.Text, message.SentAtMs },
                transaction);
            await RecordSentAsync(connection, transaction, message, clientMsgId, senderEntry.Seq);
            return new SendResult(SendOutcome.Stored, message.MessageId, senderEntry.Seq, message.SentAtMs, false, [senderEntry]);
        }, afterCommit, cancellationToken);

    /// <summary>
    /// Messages from another cell for users of this one, one transaction for the batch. A message
    /// already in the recipient's mailbox is acknowledged with its seq and not appended again.
    /// </summary>
    public Task<IReadOnlyList<DeliverResult>> DeliverAsync(
        IReadOnlyList<RoutedMessage> messages, Action<IReadOnlyList<DeliverResult>>? afterCommit, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<DeliverResult>>(async (connection, transaction) =>
        {
            var results = new List<DeliverResult>(messages.Count);
            foreach (var message in messages)
            {
                var existing = await connection.ExecuteScalarAsync<long?>(
                    "SELECT seq FROM mailbox WHERE user_id = @To AND message_id = @MessageId",
                    new { To = (long)message.To, message.MessageId }, transaction);
                if (existing is not null)
                {
                    results.Add(new DeliverResult(message.MessageId, DeliverOutcome.Stored, (ulong)existing.Value, null));
                }
                else if (!await UserExistsAsync(connection, transaction, message.To))
                {
                    results.Add(new DeliverResult(message.MessageId, DeliverOutcome.UnknownRecipient, 0, null));
                }
                else if (await SocialStore.RefusalAsync(connection, transaction, message.To, message.From) is var refusal and not Refusal.None)
                {
                    results.Add(new DeliverResult(message.MessageId,
                        refusal == Refusal.Blocked ? DeliverOutcome.Blocked : DeliverOutcome.NotFriends, 0, null));
                }
                else
                {
                    var entry = await AppendAsync(connection, transaction, message.To, message);
                    results.Add(new DeliverResult(message.MessageId, DeliverOutcome.Stored, entry.Seq, entry));
                }
            }

            return results;
        }, afterCommit, cancellationToken);

    /// <summary>Messages with seq greater than <paramref name="fromSeq"/>, oldest first.</summary>
    public Task<(IReadOnlyList<MailboxEntry> Entries, ulong HeadSeq, bool HasMore)> SyncAsync(
        ulong userId, ulong fromSeq, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var rows = (await connection.QueryAsync<MailboxRow>(
                $"SELECT {MailboxColumns} FROM mailbox WHERE user_id = @user AND seq > @fromSeq ORDER BY seq LIMIT @take",
                new { user = (long)userId, fromSeq = (long)fromSeq, take = limit + 1 })).ToList();
            var head = await connection.ExecuteScalarAsync<long?>("SELECT head_seq FROM users WHERE id = @user", new { user = (long)userId }) ?? 0;
            var hasMore = rows.Count > limit;
            IReadOnlyList<MailboxEntry> entries = rows.Take(limit).Select(r => r.ToEntry()).ToList();
            return (entries, (ulong)head, hasMore);
        }, cancellationToken);

    public Task<ulong> HeadSeqAsync(ulong userId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            (ulong)(await connection.ExecuteScalarAsync<long?>("SELECT head_seq FROM users WHERE id = @user", new { user = (long)userId }) ?? 0),
            cancellationToken);

    /// <summary>Moves a device's cursor forward (never back).</summary>
    public Task AdvanceCursorAsync(ulong userId, string deviceId, ulong seq, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(database.Dialect.AdvanceCursorSql,
                new { User = (long)userId, Device = deviceId, Seq = (long)seq, Now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction),
            null, cancellationToken);

    public Task<ulong?> CursorAsync(ulong userId, string deviceId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            (ulong?)await connection.ExecuteScalarAsync<long?>(
                "SELECT acked_seq FROM device_cursors WHERE user_id = @user AND device_id = @deviceId",
                new { user = (long)userId, deviceId }),
            cancellationToken);

    /// <summary>Marks the sender's copy of a message that the recipient's cell refused.</summary>
    public Task<MailboxEntry?> MarkFailedAsync(ulong sender, string messageId, string reason, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                "UPDATE mailbox SET failed = @reason WHERE user_id = @sender AND message_id = @messageId",
                new { reason, sender = (long)sender, messageId }, transaction);
            var row = await connection.QuerySingleOrDefaultAsync<MailboxRow>(
                $"SELECT {MailboxColumns} FROM mailbox WHERE user_id = @sender AND message_id = @messageId",
                new { sender = (long)sender, messageId }, transaction);
            return row?.ToEntry();
        }, null, cancellationToken);

    public Task<IReadOnlyList<string>> OutboxTargetsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(async connection =>
            (await connection.QueryAsync<string>("SELECT DISTINCT target_cell FROM outbox")).ToList(), cancellationToken);

    public Task<IReadOnlyList<OutboxRow>> ReadOutboxAsync(string targetCell, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<OutboxRow>>(async connection =>
            (await connection.QueryAsync<OutboxDbRow>(
                "SELECT id AS Id, target_cell AS TargetCell, message_id AS MessageId, from_user AS FromUser, to_user AS ToUser, text AS Text, sent_at_ms AS SentAtMs FROM outbox WHERE target_cell = @targetCell ORDER BY id LIMIT @limit",
                new { targetCell, limit }))
            .Select(r => new OutboxRow(r.Id, r.TargetCell, new RoutedMessage(r.MessageId, (ulong)r.FromUser, (ulong)r.ToUser, r.Text, r.SentAtMs)))
            .ToList(), cancellationToken);

    public Task<int> RemoveFromOutboxAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync("DELETE FROM outbox WHERE id IN @ids", new { ids }, transaction),
            null, cancellationToken);

    public Task<long> OutboxPendingAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"), cancellationToken);

    /// <summary>The reason stored on, and sent back for, a refused message.</summary>
    public static string RefusalReason(Refusal refusal) => refusal switch
    {
        Refusal.Blocked => "blocked: the recipient does not accept messages from you",
        Refusal.NotFriends => "the recipient accepts messages from friends only",
        _ => "",
    };

    private async Task<MailboxEntry> AppendAsync(DbConnection connection, DbTransaction transaction, ulong owner, RoutedMessage message, string? failed = null)
    {
        var seq = await connection.ExecuteScalarAsync<long>(database.Dialect.NextSeqSql, new { User = (long)owner }, transaction);
        var entry = new MailboxEntry(owner, (ulong)seq, message.MessageId, message.From, message.To, message.Text, message.SentAtMs, failed);
        await connection.ExecuteAsync(
            "INSERT INTO mailbox (user_id, seq, message_id, from_user, to_user, peer, text, sent_at_ms, failed) VALUES (@owner, @seq, @MessageId, @From, @To, @peer, @Text, @SentAtMs, @failed)",
            new { owner = (long)owner, seq, message.MessageId, From = (long)message.From, To = (long)message.To, peer = (long)entry.Peer, message.Text, message.SentAtMs, failed },
            transaction);
        await connection.ExecuteAsync(database.Dialect.TouchConversationSql,
            new { User = (long)owner, Peer = (long)entry.Peer, Seq = seq, Incoming = owner == message.From ? 0 : 1 }, transaction);
        return entry;
    }

    private static async Task<SendResult?> FindSentAsync(DbConnection connection, DbTransaction transaction, ulong sender, string clientMsgId)
    {
        var row = await connection.QuerySingleOrDefaultAsync<SentRow>(
            "SELECT message_id AS MessageId, seq AS Seq, sent_at_ms AS SentAtMs FROM sent_index WHERE sender = @sender AND client_msg_id = @clientMsgId",
            new { sender = (long)sender, clientMsgId }, transaction);
        return row is null ? null : new SendResult(SendOutcome.Stored, row.MessageId, (ulong)row.Seq, row.SentAtMs, true, []);
    }

    private static Task RecordSentAsync(DbConnection connection, DbTransaction transaction, RoutedMessage message, string clientMsgId, ulong seq) =>
        connection.ExecuteAsync(
            "INSERT INTO sent_index (sender, client_msg_id, message_id, seq, sent_at_ms) VALUES (@sender, @clientMsgId, @MessageId, @seq, @SentAtMs)",
            new { sender = (long)message.From, clientMsgId, message.MessageId, seq = (long)seq, message.SentAtMs }, transaction);

    private static async Task<bool> UserExistsAsync(DbConnection connection, DbTransaction transaction, ulong userId) =>
        await connection.ExecuteScalarAsync<long?>("SELECT 1 FROM users WHERE id = @userId", new { userId = (long)userId }, transaction) is not null;

    internal sealed class MailboxRow
    {
        public long UserId { get; init; }
        public long Seq { get; init; }
        public string MessageId { get; init; } = "";
        public long FromUser { get; init; }
        public long ToUser { get; init; }
        public string Text { get; init; } = "";
        public long SentAtMs { get; init; }
        public string? Failed { get; init; }

        public MailboxEntry ToEntry() => new((ulong)UserId, (ulong)Seq, MessageId, (ulong)FromUser, (ulong)ToUser, Text, SentAtMs, Failed);
    }

    private sealed class SentRow
    {
        public string MessageId { get; init; } = "";
        public long Seq { get; init; }
        public long SentAtMs { get; init; }
    }

    private sealed class OutboxDbRow
    {
        public long Id { get; init; }
        public string TargetCell { get; init; } = "";
        public string MessageId { get; init; } = "";
        public long FromUser { get; init; }
        public long ToUser { get; init; }
        public string Text { get; init; } = "";
        public long SentAtMs { get; init; }
    }
}
