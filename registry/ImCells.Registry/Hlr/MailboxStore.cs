using System.Data.Common;
using System.Globalization;
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
            var earlier = await FindSentAsync(transaction, message.From, clientMsgId);
            if (earlier is not null)
            {
                return earlier;
            }

            var accepted = await CheckRecipientAsync(transaction, message.To, message.From);
            if (accepted == SendOutcome.UnknownRecipient)
            {
                return new SendResult(SendOutcome.UnknownRecipient, message.MessageId, 0, message.SentAtMs, false, []);
            }

            if (accepted != SendOutcome.Stored)
            {
                // Refused the same way a foreign cell refuses: the sender's copy, marked failed; nothing for the recipient.
                var failed = await AppendAsync(connection, transaction, message.From, message, accepted);
                await RecordSentAsync(transaction, message, clientMsgId, failed.Seq);
                return new SendResult(accepted, message.MessageId, failed.Seq, message.SentAtMs, false, [failed]);
            }

            var senderEntry = await AppendAsync(connection, transaction, message.From, message);
            var appended = new List<MailboxEntry> { senderEntry };
            if (message.To != message.From)
            {
                appended.Add(await AppendAsync(connection, transaction, message.To, message));
            }

            await RecordSentAsync(transaction, message, clientMsgId, senderEntry.Seq);
            return new SendResult(SendOutcome.Stored, message.MessageId, senderEntry.Seq, message.SentAtMs, false, appended);
        }, afterCommit, cancellationToken);

    /// <summary>The recipient lives in <paramref name="targetCell"/>: the sender's mailbox and the outbox, in one transaction.</summary>
    public Task<SendResult> SendRemoteAsync(
        RoutedMessage message, string clientMsgId, string targetCell, Action<SendResult>? afterCommit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var earlier = await FindSentAsync(transaction, message.From, clientMsgId);
            if (earlier is not null)
            {
                return earlier;
            }

            var senderEntry = await AppendAsync(connection, transaction, message.From, message);
            var outbox = database.Commands.Get(transaction,
                "INSERT INTO outbox (target_cell, message_id, from_user, to_user, text, sent_at_ms) VALUES (@target, @id, @from, @to, @text, @sentAt)");
            WriterCommands.Bind(outbox, "@target", targetCell);
            WriterCommands.Bind(outbox, "@id", message.MessageId);
            WriterCommands.Bind(outbox, "@from", (long)message.From);
            WriterCommands.Bind(outbox, "@to", (long)message.To);
            WriterCommands.Bind(outbox, "@text", message.Text);
            WriterCommands.Bind(outbox, "@sentAt", message.SentAtMs);
            await outbox.ExecuteNonQueryAsync();
            await RecordSentAsync(transaction, message, clientMsgId, senderEntry.Seq);
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
                var seen = WriterCommands.Bind(database.Commands.Get(transaction, "SELECT seq FROM mailbox WHERE user_id = @to AND message_id = @id"), "@to", (long)message.To);
                WriterCommands.Bind(seen, "@id", message.MessageId);
                var existing = await seen.ExecuteScalarAsync();
                if (existing is long seq)
                {
                    results.Add(new DeliverResult(message.MessageId, SendOutcome.Stored, (ulong)seq, null));
                    continue;
                }

                var accepted = await CheckRecipientAsync(transaction, message.To, message.From);
                if (accepted != SendOutcome.Stored)
                {
                    results.Add(new DeliverResult(message.MessageId, accepted, 0, null));
                    continue;
                }

                var entry = await AppendAsync(connection, transaction, message.To, message);
                results.Add(new DeliverResult(message.MessageId, SendOutcome.Stored, entry.Seq, entry));
            }

            return results;
        }, afterCommit, cancellationToken);

    /// <summary>Messages with seq greater than <paramref name="fromSeq"/>, oldest first, at most <paramref name="limit"/>.</summary>
    public async Task<(IReadOnlyList<MailboxEntry> Entries, ulong HeadSeq, bool HasMore)> SyncAsync(
        ulong userId, ulong fromSeq, int limit, CancellationToken cancellationToken)
    {
        var entries = new List<MailboxEntry>();
        var (head, hasMore) = await SyncAsync(userId, fromSeq, limit, entry =>
        {
            entries.Add(entry);
            return true;
        }, cancellationToken);
        return (entries, head, hasMore);
    }

    /// <summary>
    /// Messages with seq greater than <paramref name="fromSeq"/>, oldest first, handed to
    /// <paramref name="take"/> one by one as they are read, at most <paramref name="limit"/>. When
    /// <paramref name="take"/> refuses one (a page full in bytes), reading stops there: the rest is
    /// never loaded. HasMore: messages beyond the last one taken exist.
    /// </summary>
    public Task<(ulong HeadSeq, bool HasMore)> SyncAsync(
        ulong userId, ulong fromSeq, int limit, Func<MailboxEntry, bool> take, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var hasMore = await TakeAsync(connection.QueryUnbufferedAsync<MailboxRow>(
                $"SELECT {MailboxColumns} FROM mailbox WHERE user_id = @user AND seq > @fromSeq ORDER BY seq {database.Dialect.Limit("@take")}",
                new { user = (long)userId, fromSeq = (long)fromSeq, take = limit + 1 }), limit, take, cancellationToken);
            // Read after the rows, so the head is never below the last message returned.
            var head = await connection.ExecuteScalarAsync<long?>("SELECT head_seq FROM users WHERE id = @user", new { user = (long)userId }) ?? 0;
            return ((ulong)head, hasMore);
        }, cancellationToken);

    /// <summary>
    /// Hands rows (at most <paramref name="limit"/> + 1 of them) to <paramref name="take"/> until it
    /// refuses one or <paramref name="limit"/> were taken; true when a row was left over.
    /// </summary>
    internal static async Task<bool> TakeAsync(
        IAsyncEnumerable<MailboxRow> rows, int limit, Func<MailboxEntry, bool> take, CancellationToken cancellationToken)
    {
        var taken = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (taken == limit || !take(row.ToEntry()))
            {
                return true;
            }

            taken++;
        }

        return false;
    }

    public Task<ulong> HeadSeqAsync(ulong userId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            (ulong)(await connection.ExecuteScalarAsync<long?>("SELECT head_seq FROM users WHERE id = @user", new { user = (long)userId }) ?? 0),
            cancellationToken);

    /// <summary>Moves a device's cursor forward (never back).</summary>
    public Task AdvanceCursorAsync(ulong userId, string deviceId, ulong seq, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(database.Statements.AdvanceCursor,
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
    public Task<MailboxEntry?> MarkFailedAsync(ulong sender, string messageId, SendOutcome failure, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(
                "UPDATE mailbox SET failed = @failure WHERE user_id = @sender AND message_id = @messageId",
                new { failure = failure.ToString(), sender = (long)sender, messageId }, transaction);
            var row = await connection.QuerySingleOrDefaultAsync<MailboxRow>(
                $"SELECT {MailboxColumns} FROM mailbox WHERE user_id = @sender AND message_id = @messageId",
                new { sender = (long)sender, messageId }, transaction);
            return row?.ToEntry();
        }, null, cancellationToken);

    public Task<IReadOnlyList<string>> OutboxTargetsAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(async connection =>
            (await connection.QueryAsync<string>("SELECT DISTINCT target_cell FROM outbox")).ToList(), cancellationToken);

    /// <summary>
    /// The oldest rows for <paramref name="targetCell"/> after row <paramref name="afterId"/> (ids only
    /// grow: AUTOINCREMENT or IDENTITY, one writer), so a forwarder need not wait for its deletes before reading on.
    /// </summary>
    public Task<IReadOnlyList<OutboxRow>> ReadOutboxAsync(string targetCell, long afterId, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<OutboxRow>>(async connection =>
            (await connection.QueryAsync<OutboxDbRow>(
                $"SELECT id AS Id, target_cell AS TargetCell, message_id AS MessageId, from_user AS FromUser, to_user AS ToUser, text AS Text, sent_at_ms AS SentAtMs FROM outbox WHERE target_cell = @targetCell AND id > @afterId ORDER BY id {database.Dialect.Limit("@limit")}",
                new { targetCell, afterId, limit }))
            .Select(r => new OutboxRow(r.Id, r.TargetCell, new RoutedMessage(r.MessageId, (ulong)r.FromUser, (ulong)r.ToUser, r.Text, r.SentAtMs)))
            .ToList(), cancellationToken);

    public Task<int> RemoveFromOutboxAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
        {
            var (list, parameters) = SqlInList.Of(ids);
            return ids.Count == 0
                ? Task.FromResult(0)
                : connection.ExecuteAsync($"DELETE FROM outbox WHERE id IN ({list})", parameters, transaction);
        }, null, cancellationToken);

    /// <summary>Per target cell: the rows waiting and the oldest one's sent time (for the outbox gauges).</summary>
    public Task<IReadOnlyList<OutboxBacklog>> OutboxBacklogAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<OutboxBacklog>>(async connection =>
            (await connection.QueryAsync<OutboxBacklogRow>(
                "SELECT target_cell AS TargetCell, COUNT(*) AS Depth, MIN(sent_at_ms) AS OldestSentAtMs FROM outbox GROUP BY target_cell"))
            .Select(r => new OutboxBacklog(r.TargetCell, r.Depth, r.OldestSentAtMs))
            .ToList(), cancellationToken);

    public Task<long> OutboxPendingAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM outbox"), cancellationToken);

    private async Task<MailboxEntry> AppendAsync(DbConnection connection, DbTransaction transaction, ulong owner, RoutedMessage message, SendOutcome? failed = null)
    {
        var commands = database.Commands;
        var peer = owner == message.From ? message.To : message.From;
        var incoming = owner == message.From ? 0 : 1;
        if (database.Statements.Append is { } append)
        {
            var all = BindMessage(commands.Get(transaction, append), owner, message, peer, failed);
            WriterCommands.Bind(all, "@incoming", incoming);
            var stored = Convert.ToInt64(await all.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            return new MailboxEntry(owner, (ulong)stored, message.MessageId, message.From, message.To, message.Text, message.SentAtMs, failed);
        }

        var next = WriterCommands.Bind(commands.Get(transaction, database.Statements.NextSeq), "@User", (long)owner);
        var seq = Convert.ToInt64(await next.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        var entry = new MailboxEntry(owner, (ulong)seq, message.MessageId, message.From, message.To, message.Text, message.SentAtMs, failed);

        var insert = BindMessage(commands.Get(transaction,
            "INSERT INTO mailbox (user_id, seq, message_id, from_user, to_user, peer, text, sent_at_ms, failed) VALUES (@owner, @seq, @id, @from, @to, @peer, @text, @sentAt, @failed)"),
            owner, message, peer, failed);
        WriterCommands.Bind(insert, "@seq", seq);
        await insert.ExecuteNonQueryAsync();

        var touch = commands.Get(transaction, database.Statements.TouchConversation);
        WriterCommands.Bind(touch, "@User", (long)owner);
        WriterCommands.Bind(touch, "@Peer", (long)peer);
        WriterCommands.Bind(touch, "@Seq", seq);
        WriterCommands.Bind(touch, "@Incoming", incoming);
        await touch.ExecuteNonQueryAsync();
        return entry;
    }

    private static DbCommand BindMessage(DbCommand command, ulong owner, RoutedMessage message, ulong peer, SendOutcome? failed)
    {
        WriterCommands.Bind(command, "@owner", (long)owner);
        WriterCommands.Bind(command, "@id", message.MessageId);
        WriterCommands.Bind(command, "@from", (long)message.From);
        WriterCommands.Bind(command, "@to", (long)message.To);
        WriterCommands.Bind(command, "@peer", (long)peer);
        WriterCommands.Bind(command, "@text", message.Text);
        WriterCommands.Bind(command, "@sentAt", message.SentAtMs);
        WriterCommands.Bind(command, "@failed", failed?.ToString());
        return command;
    }

    /// <summary>
    /// Whether the recipient exists and accepts the sender (Stored), or why not: one statement on the hot path.
    /// </summary>
    private async Task<SendOutcome> CheckRecipientAsync(DbTransaction transaction, ulong recipient, ulong sender)
    {
        var check = database.Commands.Get(transaction, """
            SELECT u.only_friends,
                   CASE WHEN EXISTS (SELECT 1 FROM blacklist WHERE user_id = @to AND blocked_id = @from) THEN 1 ELSE 0 END,
                   CASE WHEN EXISTS (SELECT 1 FROM friends WHERE user_id = @to AND friend_id = @from) THEN 1 ELSE 0 END
            FROM users u WHERE u.id = @to
            """);
        WriterCommands.Bind(check, "@to", (long)recipient);
        WriterCommands.Bind(check, "@from", (long)sender);
        await using var reader = await check.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return SendOutcome.UnknownRecipient;
        }

        // The integer types differ by provider (64-bit in SQLite, 32-bit CASE results elsewhere).
        var onlyFriends = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) != 0;
        var blocked = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) != 0;
        var friends = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture) != 0;
        return blocked ? SendOutcome.Blocked : onlyFriends && !friends && recipient != sender ? SendOutcome.NotFriends : SendOutcome.Stored;
    }

    private async Task<SendResult?> FindSentAsync(DbTransaction transaction, ulong sender, string clientMsgId)
    {
        var find = database.Commands.Get(transaction, "SELECT message_id, seq, sent_at_ms FROM sent_index WHERE sender = @sender AND client_msg_id = @client");
        WriterCommands.Bind(find, "@sender", (long)sender);
        WriterCommands.Bind(find, "@client", clientMsgId);
        await using var reader = await find.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new SendResult(SendOutcome.Stored, reader.GetString(0), (ulong)reader.GetInt64(1), reader.GetInt64(2), true, [])
            : null;
    }

    private Task RecordSentAsync(DbTransaction transaction, RoutedMessage message, string clientMsgId, ulong seq)
    {
        var record = database.Commands.Get(transaction,
            "INSERT INTO sent_index (sender, client_msg_id, message_id, seq, sent_at_ms) VALUES (@sender, @client, @id, @seq, @sentAt)");
        WriterCommands.Bind(record, "@sender", (long)message.From);
        WriterCommands.Bind(record, "@client", clientMsgId);
        WriterCommands.Bind(record, "@id", message.MessageId);
        WriterCommands.Bind(record, "@seq", (long)seq);
        WriterCommands.Bind(record, "@sentAt", message.SentAtMs);
        return record.ExecuteNonQueryAsync();
    }

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

        public MailboxEntry ToEntry() => new((ulong)UserId, (ulong)Seq, MessageId, (ulong)FromUser, (ulong)ToUser, Text, SentAtMs, Failure(Failed));

        // Rows written before outcomes were stored hold a sentence: those read as a plain refusal.
        private static SendOutcome? Failure(string? failed) =>
            failed is null ? null : Enum.TryParse<SendOutcome>(failed, out var outcome) ? outcome : SendOutcome.Refused;
    }

    private sealed class SentRow
    {
        public string MessageId { get; init; } = "";
        public long Seq { get; init; }
        public long SentAtMs { get; init; }
    }

    private sealed class OutboxBacklogRow
    {
        public string TargetCell { get; init; } = "";
        public long Depth { get; init; }
        public long OldestSentAtMs { get; init; }
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

/// <summary>What waits in the outbox for one target cell.</summary>
public sealed record OutboxBacklog(string TargetCell, long Depth, long OldestSentAtMs);
