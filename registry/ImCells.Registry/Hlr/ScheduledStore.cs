using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>A message a user asked to send later.</summary>
public sealed record ScheduledEntry(string Id, ulong Sender, ulong To, string Text, string ClientMsgId, long DeliverAtMs);

/// <summary>
/// Scheduled messages, kept in the HLR so they survive a restart. A fired one stays with status
/// 'fired', so a repeated schedule request with the same client_msg_id still finds it.
/// </summary>
public sealed class ScheduledStore(HlrDatabase database)
{
    private const string Columns = "id AS Id, sender AS Sender, to_user AS ToUser, text AS Text, client_msg_id AS ClientMsgId, deliver_at_ms AS DeliverAtMs";

    /// <summary>Stores <paramref name="entry"/>, or returns the earlier entry with the same (sender, client_msg_id).</summary>
    public Task<ScheduledEntry> AddAsync(ScheduledEntry entry, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var earlier = await connection.QuerySingleOrDefaultAsync<Row>(
                $"SELECT {Columns} FROM scheduled WHERE sender = @sender AND client_msg_id = @ClientMsgId",
                new { sender = (long)entry.Sender, entry.ClientMsgId }, transaction);
            if (earlier is not null)
            {
                return earlier.ToEntry();
            }

            await connection.ExecuteAsync(
                "INSERT INTO scheduled (id, sender, to_user, text, client_msg_id, deliver_at_ms, status) VALUES (@Id, @sender, @to, @Text, @ClientMsgId, @DeliverAtMs, 'pending')",
                new { entry.Id, sender = (long)entry.Sender, to = (long)entry.To, entry.Text, entry.ClientMsgId, entry.DeliverAtMs }, transaction);
            return entry;
        }, null, cancellationToken);

    public Task<IReadOnlyList<ScheduledEntry>> PendingOfAsync(ulong sender, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ScheduledEntry>>(async connection =>
            (await connection.QueryAsync<Row>(
                $"SELECT {Columns} FROM scheduled WHERE sender = @sender AND status = 'pending' ORDER BY deliver_at_ms, id",
                new { sender = (long)sender })).Select(r => r.ToEntry()).ToList(), cancellationToken);

    /// <summary>
    /// One page of <paramref name="sender"/>'s pending entries by deliver time, then id, after
    /// (<paramref name="afterDeliverAtMs"/>, <paramref name="afterId"/>), handed to
    /// <paramref name="take"/> one by one as they are read, at most <paramref name="limit"/>; a
    /// refused one ends the page and the rest is never loaded. True when more remain.
    /// </summary>
    public Task<bool> PendingOfAsync(
        ulong sender, long afterDeliverAtMs, string afterId, int limit, Func<ScheduledEntry, bool> take, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var taken = 0;
            await foreach (var row in connection.QueryUnbufferedAsync<Row>(
                $"""
                SELECT {Columns} FROM scheduled WHERE sender = @sender AND status = 'pending'
                AND (deliver_at_ms > @at OR (deliver_at_ms = @at AND id > @id)) ORDER BY deliver_at_ms, id {database.Dialect.Limit("@take")}
                """,
                new { sender = (long)sender, at = afterDeliverAtMs, id = afterId, take = limit + 1 }).WithCancellation(cancellationToken))
            {
                if (taken == limit || !take(row.ToEntry()))
                {
                    return true;
                }

                taken++;
            }

            return false;
        }, cancellationToken);

    /// <summary>True when a pending entry of <paramref name="sender"/> was cancelled.</summary>
    public Task<bool> CancelAsync(ulong sender, string id, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
            await connection.ExecuteAsync(
                "UPDATE scheduled SET status = 'cancelled' WHERE id = @id AND sender = @sender AND status = 'pending'",
                new { id, sender = (long)sender }, transaction) == 1,
            null, cancellationToken);

    /// <summary>Pending entries due at <paramref name="nowMs"/>, oldest first.</summary>
    public Task<IReadOnlyList<ScheduledEntry>> DueAsync(long nowMs, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ScheduledEntry>>(async connection =>
            (await connection.QueryAsync<Row>(
                $"SELECT {Columns} FROM scheduled WHERE status = 'pending' AND deliver_at_ms <= @nowMs ORDER BY deliver_at_ms, id {database.Dialect.Limit("@limit")}",
                new { nowMs, limit })).Select(r => r.ToEntry()).ToList(), cancellationToken);

    /// <summary>The earliest pending time, or null when nothing is pending.</summary>
    public Task<long?> NextDueAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.ExecuteScalarAsync<long?>(
            "SELECT MIN(deliver_at_ms) FROM scheduled WHERE status = 'pending'"), cancellationToken);

    public Task MarkFiredAsync(string id, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
            connection.ExecuteAsync("UPDATE scheduled SET status = 'fired' WHERE id = @id AND status = 'pending'", new { id }, transaction),
            null, cancellationToken);

    private sealed class Row
    {
        public string Id { get; init; } = "";
        public long Sender { get; init; }
        public long ToUser { get; init; }
        public string Text { get; init; } = "";
        public string ClientMsgId { get; init; } = "";
        public long DeliverAtMs { get; init; }

        public ScheduledEntry ToEntry() => new(Id, (ulong)Sender, (ulong)ToUser, Text, ClientMsgId, DeliverAtMs);
    }
}
