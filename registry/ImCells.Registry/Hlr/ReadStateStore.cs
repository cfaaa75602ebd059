using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>The outcome of a MarkRead; <see cref="ReceiptMessageId"/> is the newest message of the peer now read.</summary>
public sealed record MarkReadResult(ulong ReadSeq, ulong Unread, ulong TotalUnread, string? ReceiptMessageId, bool ReceiptsEnabled);

/// <summary>A conversation as listed: the peer, its newest message, read state.</summary>
public sealed record ConversationEntry(ulong Peer, MailboxEntry LastMessage, ulong Unread, ulong ReadSeq);

/// <summary>
/// Read cursors per conversation, unread counts, history pages and the receipt setting. Kept in
/// the HLR, so every device of a user sees the same numbers.
/// </summary>
public sealed class ReadStateStore(HlrDatabase database)
{
    /// <summary>Null when the user has no conversation with <paramref name="peer"/>.</summary>
    public Task<MarkReadResult?> MarkReadAsync(ulong user, ulong peer, ulong seq, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var args = new { user = (long)user, peer = (long)peer };
            var current = await connection.ExecuteScalarAsync<long?>(
                "SELECT read_seq FROM conversations WHERE user_id = @user AND peer = @peer", args, transaction);
            if (current is null)
            {
                return null;
            }

            var readSeq = Math.Max(current.Value, (long)seq);
            var unread = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM mailbox WHERE user_id = @user AND peer = @peer AND from_user = @peer AND seq > @readSeq",
                new { args.user, args.peer, readSeq }, transaction);
            await connection.ExecuteAsync(
                "UPDATE conversations SET read_seq = @readSeq, unread = @unread WHERE user_id = @user AND peer = @peer",
                new { args.user, args.peer, readSeq, unread }, transaction);
            var total = await connection.ExecuteScalarAsync<long?>(
                "SELECT SUM(unread) FROM conversations WHERE user_id = @user", args, transaction) ?? 0;
            var newestRead = await connection.ExecuteScalarAsync<string?>(
                $"SELECT message_id FROM mailbox WHERE user_id = @user AND peer = @peer AND from_user = @peer AND seq <= @readSeq ORDER BY seq DESC {database.Dialect.Limit("1")}",
                new { args.user, args.peer, readSeq }, transaction);
            var receipts = await connection.ExecuteScalarAsync<long>(
                "SELECT read_receipts FROM users WHERE id = @user", args, transaction) != 0;
            return new MarkReadResult((ulong)readSeq, (ulong)unread, (ulong)total, newestRead, receipts);
        }, null, cancellationToken);

    /// <summary>The conversation with <paramref name="peer"/>, newest first, seqs below <paramref name="beforeSeq"/> (0: from the newest).</summary>
    public async Task<(IReadOnlyList<MailboxEntry> Entries, bool HasMore)> HistoryAsync(
        ulong user, ulong peer, ulong beforeSeq, int limit, CancellationToken cancellationToken)
    {
        var entries = new List<MailboxEntry>();
        var hasMore = await HistoryAsync(user, peer, beforeSeq, limit, entry =>
        {
            entries.Add(entry);
            return true;
        }, cancellationToken);
        return (entries, hasMore);
    }

    /// <summary>
    /// Like <see cref="HistoryAsync(ulong, ulong, ulong, int, CancellationToken)"/>, handing each
    /// message to <paramref name="take"/> as it is read; a refused one ends the page and the rest is
    /// never loaded. True when older messages remain.
    /// </summary>
    public Task<bool> HistoryAsync(
        ulong user, ulong peer, ulong beforeSeq, int limit, Func<MailboxEntry, bool> take, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => MailboxStore.TakeAsync(connection.QueryUnbufferedAsync<MailboxStore.MailboxRow>(
                $"SELECT {MailboxStore.MailboxColumns} FROM mailbox WHERE user_id = @user AND peer = @peer AND seq < @before ORDER BY seq DESC {database.Dialect.Limit("@take")}",
                new { user = (long)user, peer = (long)peer, before = beforeSeq == 0 ? long.MaxValue : (long)beforeSeq, take = limit + 1 }),
            limit, take, cancellationToken), cancellationToken);

    /// <summary>Recent conversations, most recent first, and the unread total over all of them.</summary>
    public async Task<(IReadOnlyList<ConversationEntry> Conversations, ulong TotalUnread)> ConversationsAsync(
        ulong user, int limit, CancellationToken cancellationToken)
    {
        var list = new List<ConversationEntry>();
        var (total, _) = await ConversationsAsync(user, 0, limit, entry =>
        {
            list.Add(entry);
            return true;
        }, cancellationToken);
        return (list, total);
    }

    /// <summary>
    /// Conversations whose newest message is older than <paramref name="beforeSeq"/> (0: all), most
    /// recent first, handed to <paramref name="take"/> one by one with their last message; a refused
    /// one ends the page. Returns the unread total over all conversations, and whether more remain.
    /// </summary>
    public Task<(ulong TotalUnread, bool HasMore)> ConversationsAsync(
        ulong user, ulong beforeSeq, int limit, Func<ConversationEntry, bool> take, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var args = new { user = (long)user, before = beforeSeq == 0 ? long.MaxValue : (long)beforeSeq, take = limit + 1 };
            var heads = (await connection.QueryAsync<(long Peer, long LastSeq, long ReadSeq, long Unread)>(
                $"SELECT peer, last_seq, read_seq, unread FROM conversations WHERE user_id = @user AND last_seq < @before ORDER BY last_seq DESC {database.Dialect.Limit("@take")}", args)).ToList();
            var hasMore = heads.Count > limit;
            foreach (var head in heads.Take(limit))
            {
                var last = await connection.QuerySingleAsync<MailboxStore.MailboxRow>(
                    $"SELECT {MailboxStore.MailboxColumns} FROM mailbox WHERE user_id = @user AND seq = @seq", new { args.user, seq = head.LastSeq });
                if (!take(new ConversationEntry((ulong)head.Peer, last.ToEntry(), (ulong)head.Unread, (ulong)head.ReadSeq)))
                {
                    hasMore = true;
                    break;
                }
            }

            var total = await connection.ExecuteScalarAsync<long?>("SELECT SUM(unread) FROM conversations WHERE user_id = @user", args) ?? 0;
            return ((ulong)total, hasMore);
        }, cancellationToken);

    /// <summary>Unread messages over all one-to-one conversations of the user.</summary>
    public Task<ulong> TotalUnreadAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            (ulong)(await connection.ExecuteScalarAsync<long?>("SELECT SUM(unread) FROM conversations WHERE user_id = @user", new { user = (long)user }) ?? 0),
            cancellationToken);

    public Task<bool> ReadReceiptsAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            await connection.ExecuteScalarAsync<long>("SELECT read_receipts FROM users WHERE id = @user", new { user = (long)user }) != 0,
            cancellationToken);

    public Task SetReadReceiptsAsync(ulong user, bool enabled, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync("UPDATE users SET read_receipts = @enabled WHERE id = @user",
                new { enabled = enabled ? 1 : 0, user = (long)user }, transaction),
            null, cancellationToken);

    /// <summary>The seq of a message in a user's mailbox, for a read receipt to its sender.</summary>
    public Task<ulong?> SeqOfAsync(ulong user, string messageId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => (ulong?)await connection.ExecuteScalarAsync<long?>(
            "SELECT seq FROM mailbox WHERE user_id = @user AND message_id = @messageId", new { user = (long)user, messageId }),
            cancellationToken);
}
