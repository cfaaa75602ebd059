using System.Data.Common;
using System.Globalization;
using Dapper;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using static ImCells.Registry.Groups.GroupRows;

namespace ImCells.Registry.Groups;

/// <summary>
/// Group timelines: one row per message or event whatever the member count (read fan-out), with a
/// dense seq per group. A member reads only its own membership span: from its join (or from the
/// start when the group shows history) up to its leaving.
/// </summary>
public sealed class GroupTimeline(HlrDatabase database)
{
    /// <summary>
    /// Appends a message by a member. A repeated (sender, <paramref name="clientMsgId"/>) returns the
    /// first entry and writes nothing (Duplicate).
    /// </summary>
    public Task<(GroupEntry Entry, bool Duplicate)> AppendMessageAsync(
        ulong groupId, ulong sender, string text, IReadOnlyList<ulong> mentions, string clientMsgId, string entryId, long nowMs,
        Action<(GroupEntry Entry, bool Duplicate)>? afterCommit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var find = WriterCommands.Bind(database.Commands.Get(transaction,
                $"SELECT {EntryColumns} FROM group_timeline WHERE group_id = @group AND from_user = @from AND client_msg_id = @client"), "@group", (long)groupId);
            WriterCommands.Bind(find, "@from", (long)sender);
            WriterCommands.Bind(find, "@client", clientMsgId);
            await using (var reader = await find.ExecuteReaderAsync())
            {
                if (await reader.ReadAsync())
                {
                    return (reader.GetRowParser<EntryRow>()(reader).ToEntry(), true);
                }
            }

            var member = WriterCommands.Bind(database.Commands.Get(transaction,
                "SELECT g.dissolved, CASE WHEN m.left_seq IS NULL AND m.role > 0 THEN 1 ELSE 0 END FROM chat_groups g LEFT JOIN group_members m ON m.group_id = g.id AND m.user_id = @user WHERE g.id = @group"),
                "@group", (long)groupId);
            WriterCommands.Bind(member, "@user", (long)sender);
            await using (var reader = await member.ExecuteReaderAsync())
            {
                if (!await reader.ReadAsync() || Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture) != 0)
                {
                    throw new GroupRefusedException(ErrorCode.NotFound, $"no group {groupId} (or it was dissolved)");
                }

                if (reader.IsDBNull(1) || Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture) == 0)
                {
                    throw new GroupRefusedException(ErrorCode.Forbidden, $"you are not a member of group {groupId}");
                }
            }

            return (await AppendAsync(database, connection, transaction, groupId, sender, text, null, mentions, clientMsgId, entryId, nowMs), false);
        }, afterCommit, cancellationToken);

    /// <summary>One entry at the next seq of the group (inside the caller's transaction).</summary>
    internal static async Task<GroupEntry> AppendAsync(
        HlrDatabase database, DbConnection connection, DbTransaction transaction, ulong groupId, ulong from, string text, GroupEvent? groupEvent,
        IReadOnlyList<ulong> mentions, string? clientMsgId, string entryId, long nowMs)
    {
        var next = WriterCommands.Bind(database.Commands.Get(transaction, database.Dialect.Increment("chat_groups", "head_seq", "id = @group")), "@group", (long)groupId);
        var seq = (ulong)Convert.ToInt64(await next.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        var entry = new GroupEntry { Group = groupId, Seq = seq, Id = entryId, From = from, Text = text, SentAtMs = nowMs, Event = groupEvent };
        entry.Mentions.AddRange(mentions);

        var insert = database.Commands.Get(transaction,
            "INSERT INTO group_timeline (group_id, seq, entry_id, from_user, text, event, mentions, sent_at_ms, client_msg_id) VALUES (@group, @seq, @id, @from, @text, @event, @mentions, @sentAt, @client)");
        WriterCommands.Bind(insert, "@group", (long)groupId);
        WriterCommands.Bind(insert, "@seq", (long)seq);
        WriterCommands.Bind(insert, "@id", entryId);
        WriterCommands.Bind(insert, "@from", (long)from);
        WriterCommands.Bind(insert, "@text", text);
        WriterCommands.Bind(insert, "@event", EventBytes(entry));
        WriterCommands.Bind(insert, "@mentions", FormatMentions(mentions));
        WriterCommands.Bind(insert, "@sentAt", nowMs);
        WriterCommands.Bind(insert, "@client", clientMsgId);
        await insert.ExecuteNonQueryAsync();
        return entry;
    }

    internal static async Task<GroupEntry?> EntryAsync(DbConnection connection, DbTransaction? transaction, ulong group, ulong seq) =>
        (await connection.QuerySingleOrDefaultAsync<EntryRow>($"SELECT {EntryColumns} FROM group_timeline WHERE group_id = @group AND seq = @seq",
            new { group = (long)group, seq = (long)seq }, transaction))?.ToEntry();

    /// <summary>
    /// Entries with afterSeq &lt; seq &lt;= upToSeq, oldest first, handed to <paramref name="take"/>
    /// until it refuses one or <paramref name="limit"/> were taken; true when more are left.
    /// </summary>
    public Task<bool> ReadForwardAsync(ulong group, ulong afterSeq, ulong upToSeq, int limit, Func<GroupEntry, bool> take, CancellationToken cancellationToken) =>
        ReadAsync($"SELECT {EntryColumns} FROM group_timeline WHERE group_id = @group AND seq > @lo AND seq <= @hi ORDER BY seq {database.Dialect.Limit("@take")}",
            group, afterSeq, upToSeq, limit, take, cancellationToken);

    /// <summary>Entries with lowSeq &lt; seq &lt; beforeSeq, newest first, paged like <see cref="ReadForwardAsync"/>.</summary>
    public Task<bool> ReadBackwardAsync(ulong group, ulong lowSeq, ulong beforeSeq, int limit, Func<GroupEntry, bool> take, CancellationToken cancellationToken) =>
        ReadAsync($"SELECT {EntryColumns} FROM group_timeline WHERE group_id = @group AND seq > @lo AND seq < @hi ORDER BY seq DESC {database.Dialect.Limit("@take")}",
            group, lowSeq, beforeSeq, limit, take, cancellationToken);

    /// <summary>Entries of several ranges at once (the fan-out's batch): each (group, after, limit), oldest first per group.</summary>
    public Task<IReadOnlyList<GroupEntry>> EntriesAfterAsync(IReadOnlyList<(ulong Group, ulong After, int Limit)> ranges, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<GroupEntry>>(async connection =>
        {
            var entries = new List<GroupEntry>();
            foreach (var (group, after, limit) in ranges)
            {
                entries.AddRange((await connection.QueryAsync<EntryRow>(
                    $"SELECT {EntryColumns} FROM group_timeline WHERE group_id = @group AND seq > @after ORDER BY seq {database.Dialect.Limit("@limit")}",
                    new { group = (long)group, after = (long)after, limit })).Select(r => r.ToEntry()));
            }

            return entries;
        }, cancellationToken);

    public Task<long> RowCountAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM group_timeline"), cancellationToken);

    private Task<bool> ReadAsync(string sql, ulong group, ulong lo, ulong hi, int limit, Func<GroupEntry, bool> take, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var taken = 0;
            await foreach (var row in connection.QueryUnbufferedAsync<EntryRow>(sql,
                               new { group = (long)group, lo = (long)lo, hi = (long)Math.Min(hi, long.MaxValue), take = limit + 1 }).WithCancellation(cancellationToken))
            {
                if (taken == limit || !take(row.ToEntry()))
                {
                    return true;
                }

                taken++;
            }

            return false;
        }, cancellationToken);
}
