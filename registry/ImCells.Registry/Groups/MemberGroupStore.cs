using System.Data.Common;
using System.Globalization;
using Dapper;
using Google.Protobuf;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using EventKind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Registry.Groups;

/// <summary>
/// A member cell's side of groups homed anywhere: the list of groups each user of this cell belongs
/// to with its read position, and per group (not per member) the newest entry this cell has. Applying
/// a batch of timeline entries writes per member only what membership events and mentions say.
/// </summary>
public sealed class MemberGroupStore(HlrDatabase database)
{
    /// <summary>What a batch changed: the entries new to this cell (oldest first per group) and the head of each group.</summary>
    public sealed record Applied(IReadOnlyList<GroupEntry> Entries, IReadOnlyDictionary<ulong, ulong> Heads);

    /// <summary>
    /// Applies timeline entries from a group's home cell in one transaction. Entries at or below the
    /// head this cell has are skipped, so a resent batch changes nothing. <paramref name="isLocal"/>
    /// tells which users are homed here.
    /// </summary>
    public Task<Applied> ApplyAsync(
        IReadOnlyList<GroupEntry> entries, IReadOnlyDictionary<ulong, (string Name, int MemberCount)> summaries, Func<ulong, bool> isLocal,
        Action<Applied>? afterCommit, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var applied = new List<GroupEntry>();
            var heads = new Dictionary<ulong, ulong>();
            foreach (var batch in entries.GroupBy(e => e.Group))
            {
                var group = batch.Key;
                var head = await ScalarAsync(transaction, "SELECT head_seq FROM group_heads WHERE group_id = @group", group);
                var summary = summaries.TryGetValue(group, out var s) ? s : ("", 0);
                var name = summary.Item1;
                GroupEntry? last = null;
                foreach (var entry in batch.OrderBy(e => e.Seq))
                {
                    if (head is { } h && entry.Seq <= (ulong)h)
                    {
                        continue;
                    }

                    if (entry.Event is { } groupEvent)
                    {
                        await ApplyEventAsync(connection, transaction, entry, groupEvent, isLocal);
                        if (groupEvent.Kind is EventKind.Created or EventKind.Renamed)
                        {
                            name = groupEvent.Name;
                        }
                    }
                    else
                    {
                        await ApplyMessageAsync(transaction, entry, isLocal);
                    }

                    applied.Add(entry);
                    head = (long)entry.Seq;
                    last = entry;
                }

                if (last is not null)
                {
                    await SaveHeadAsync(transaction, group, name, (ulong)head!.Value, summary.Item2, last);
                }

                heads[group] = head is { } done ? (ulong)done : 0;
            }

            return new Applied(applied, heads);
        }, afterCommit, cancellationToken);

    /// <summary>The users homed here who are members of <paramref name="group"/> now.</summary>
    public Task<ulong[]> LocalMembersAsync(ulong group, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            (await connection.QueryAsync<long>("SELECT user_id FROM user_groups WHERE group_id = @group AND left_seq IS NULL", new { group = (long)group }))
            .Select(u => (ulong)u).ToArray(), cancellationToken);

    /// <summary>The users homed here who stopped being members at <paramref name="seq"/> (removed, left, dissolved).</summary>
    public Task<ulong[]> LeftAtAsync(ulong group, ulong seq, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            (await connection.QueryAsync<long>("SELECT user_id FROM user_groups WHERE group_id = @group AND left_seq = @seq", new { group = (long)group, seq = (long)seq }))
            .Select(u => (ulong)u).ToArray(), cancellationToken);

    /// <summary>The user's groups (left ones too) in number order after <paramref name="afterGroup"/>; true when more follow.</summary>
    public Task<(IReadOnlyList<MemberGroupRecord> Groups, bool HasMore)> ListAsync(ulong user, ulong afterGroup, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<(IReadOnlyList<MemberGroupRecord>, bool)>(async connection =>
        {
            var rows = (await QueryGroupsAsync(connection, null, user, afterGroup, null, limit + 1)).ToList();
            var more = rows.Count > limit;
            return (more ? rows[..limit] : rows, more);
        }, cancellationToken);

    /// <summary>Unread entries over all the user's groups.</summary>
    public Task<ulong> UnreadAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            ulong total = 0;
            foreach (var group in await QueryGroupsAsync(connection, null, user, 0, null, int.MaxValue))
            {
                total += group.Unread;
            }

            return total;
        }, cancellationToken);

    /// <summary>
    /// Moves the read position forward to <paramref name="seq"/> (never back) and forgets the
    /// mentions it covers; null when the user never was in the group.
    /// </summary>
    public Task<MemberGroupRecord?> MarkReadAsync(ulong user, ulong group, ulong seq, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var before = (await QueryGroupsAsync(connection, transaction, user, 0, group, 1)).FirstOrDefault();
            if (before is null)
            {
                return null;
            }

            if (seq > before.VisibleHead)
            {
                throw new GroupRefusedException(ErrorCode.BadRequest, $"seq {seq} is beyond the newest entry {before.VisibleHead} you may see in group {group}");
            }

            await connection.ExecuteAsync("UPDATE user_groups SET read_seq = @seq WHERE user_id = @user AND group_id = @group AND read_seq < @seq",
                new { seq = (long)seq, user = (long)user, group = (long)group }, transaction);
            await connection.ExecuteAsync("DELETE FROM group_mentions WHERE user_id = @user AND group_id = @group AND seq <= @seq",
                new { seq = (long)seq, user = (long)user, group = (long)group }, transaction);
            return (await QueryGroupsAsync(connection, transaction, user, 0, group, 1)).FirstOrDefault();
        }, null, cancellationToken);

    /// <summary>
    /// For an add by <paramref name="actor"/>: of <paramref name="users"/> (homed here), who does not
    /// exist, who blocked the actor, and how many groups each is in now.
    /// </summary>
    public Task<(HashSet<ulong> Existing, HashSet<ulong> Blocking, Dictionary<ulong, int> GroupCounts)> AdmissionAsync(
        ulong actor, IReadOnlyList<ulong> users, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var existing = new HashSet<ulong>();
            var blocking = new HashSet<ulong>();
            var counts = new Dictionary<ulong, int>();
            foreach (var chunk in users.Distinct().Chunk(500))
            {
                var (list, parameters) = SqlInList.Of(chunk.Select(u => (long)u).ToList());
                parameters.Add("@actor", (long)actor);
                existing.UnionWith((await connection.QueryAsync<long>($"SELECT id FROM users WHERE id IN ({list})", parameters)).Select(u => (ulong)u));
                blocking.UnionWith((await connection.QueryAsync<long>(
                    $"SELECT user_id FROM blacklist WHERE blocked_id = @actor AND user_id IN ({list})", parameters)).Select(u => (ulong)u));
                foreach (var (user, count) in await connection.QueryAsync<(long, long)>(
                             $"SELECT user_id, COUNT(*) FROM user_groups WHERE left_seq IS NULL AND user_id IN ({list}) GROUP BY user_id", parameters))
                {
                    counts[(ulong)user] = (int)count;
                }
            }

            return (existing, blocking, counts);
        }, cancellationToken);

    private async Task ApplyEventAsync(DbConnection connection, DbTransaction transaction, GroupEntry entry, GroupEvent groupEvent, Func<ulong, bool> isLocal)
    {
        var group = (long)entry.Group;
        var seq = (long)entry.Seq;
        switch (groupEvent.Kind)
        {
            case EventKind.Created or EventKind.Added or EventKind.Joined:
                foreach (var user in groupEvent.Members.Where(isLocal))
                {
                    var owner = groupEvent.Kind == EventKind.Created && user == entry.From;
                    await connection.ExecuteAsync(database.Dialect.Upsert(
                            "user_groups", "user_id, group_id, role, join_seq, left_seq, read_seq", "@user, @group, @role, @seq, NULL, @read", "user_id, group_id",
                            set: "role = excluded.role, join_seq = excluded.join_seq, left_seq = NULL"),
                        new { user = (long)user, group, role = (long)(owner ? GroupRole.Owner : GroupRole.Member), seq, read = owner ? seq : 0 }, transaction);
                }

                break;
            case EventKind.Removed or EventKind.Left:
                foreach (var user in groupEvent.Members.Where(isLocal))
                {
                    await connection.ExecuteAsync("UPDATE user_groups SET role = 0, left_seq = @seq WHERE user_id = @user AND group_id = @group AND left_seq IS NULL",
                        new { seq, user = (long)user, group }, transaction);
                }

                break;
            case EventKind.Role:
                foreach (var user in groupEvent.Members.Where(isLocal))
                {
                    await SetRoleAsync(connection, transaction, user, group, groupEvent.Role);
                }

                if (groupEvent.Role == GroupRole.Owner && isLocal(entry.From))
                {
                    await SetRoleAsync(connection, transaction, entry.From, group, GroupRole.Admin);
                }

                break;
            case EventKind.Dissolved:
                await connection.ExecuteAsync("UPDATE user_groups SET role = 0, left_seq = @seq WHERE group_id = @group AND left_seq IS NULL",
                    new { seq, group }, transaction);
                break;
        }
    }

    private static Task SetRoleAsync(DbConnection connection, DbTransaction transaction, ulong user, long group, GroupRole role) =>
        connection.ExecuteAsync("UPDATE user_groups SET role = @role WHERE user_id = @user AND group_id = @group AND left_seq IS NULL",
            new { role = (long)role, user = (long)user, group }, transaction);

    /// <summary>A message: its sender has read up to it; the members it mentions get a mention each.</summary>
    private async Task ApplyMessageAsync(DbTransaction transaction, GroupEntry entry, Func<ulong, bool> isLocal)
    {
        if (isLocal(entry.From))
        {
            var read = Bind(database.Commands.Get(transaction,
                "UPDATE user_groups SET read_seq = @seq WHERE user_id = @user AND group_id = @group AND read_seq < @seq"), entry.Group, entry.Seq);
            WriterCommands.Bind(read, "@user", (long)entry.From);
            await read.ExecuteNonQueryAsync();
        }

        foreach (var mentioned in entry.Mentions.Where(m => m != entry.From && isLocal(m)))
        {
            var mention = Bind(database.Commands.Get(transaction,
                "INSERT INTO group_mentions (user_id, group_id, seq) SELECT user_id, group_id, @seq FROM user_groups WHERE user_id = @user AND group_id = @group AND left_seq IS NULL"),
                entry.Group, entry.Seq);
            WriterCommands.Bind(mention, "@user", (long)mentioned);
            await mention.ExecuteNonQueryAsync();
        }
    }

    private Task SaveHeadAsync(DbTransaction transaction, ulong group, string name, ulong head, int memberCount, GroupEntry last)
    {
        var save = Bind(database.Commands.Get(transaction, database.Dialect.Upsert(
            "group_heads", "group_id, name, head_seq, member_count, last_entry", "@group, @name, @seq, @count, @last", "group_id",
            set: "name = excluded.name, head_seq = excluded.head_seq, member_count = excluded.member_count, last_entry = excluded.last_entry")), group, head);
        WriterCommands.Bind(save, "@name", name);
        WriterCommands.Bind(save, "@count", (long)memberCount);
        WriterCommands.Bind(save, "@last", last.ToByteArray());
        return save.ExecuteNonQueryAsync();
    }

    private async Task<long?> ScalarAsync(DbTransaction transaction, string sql, ulong group)
    {
        var value = await WriterCommands.Bind(database.Commands.Get(transaction, sql), "@group", (long)group).ExecuteScalarAsync();
        return value is null or DBNull ? null : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static DbCommand Bind(DbCommand command, ulong group, ulong seq)
    {
        WriterCommands.Bind(command, "@group", (long)group);
        return WriterCommands.Bind(command, "@seq", (long)seq);
    }

    private async Task<IEnumerable<MemberGroupRecord>> QueryGroupsAsync(DbConnection connection, DbTransaction? transaction, ulong user, ulong afterGroup, ulong? onlyGroup, int limit) =>
        (await connection.QueryAsync<ListRow>($"""
            SELECT ug.group_id AS GroupId, COALESCE(h.name, '') AS Name, ug.role AS Role, COALESCE(h.head_seq, 0) AS HeadSeq, ug.join_seq AS JoinSeq,
                   ug.left_seq AS LeftSeq, ug.read_seq AS ReadSeq, h.last_entry AS LastEntry,
                   (SELECT COUNT(*) FROM group_mentions gm WHERE gm.user_id = ug.user_id AND gm.group_id = ug.group_id AND gm.seq > ug.read_seq) AS Mentions
            FROM user_groups ug LEFT JOIN group_heads h ON h.group_id = ug.group_id
            WHERE ug.user_id = @user AND ug.group_id > @after {(onlyGroup is null ? "" : "AND ug.group_id = @only")}
            ORDER BY ug.group_id {(limit == int.MaxValue ? "" : database.Dialect.Limit("@limit"))}
            """, new { user = (long)user, after = (long)afterGroup, only = (long)(onlyGroup ?? 0), limit }, transaction))
        .Select(r => r.ToRecord());

    private sealed class ListRow
    {
        public long GroupId { get; init; }
        public string Name { get; init; } = "";
        public long Role { get; init; }
        public long HeadSeq { get; init; }
        public long JoinSeq { get; init; }
        public long? LeftSeq { get; init; }
        public long ReadSeq { get; init; }
        public byte[]? LastEntry { get; init; }
        public long Mentions { get; init; }

        public MemberGroupRecord ToRecord()
        {
            var record = new MemberGroupRecord((ulong)GroupId, Name, (GroupRole)Role, (ulong)HeadSeq, (ulong)JoinSeq, (ulong?)LeftSeq, (ulong)ReadSeq, (ulong)Mentions, null);
            var last = LastEntry is null ? null : GroupEntry.Parser.ParseFrom(LastEntry);
            // A member who left sees nothing after it left, the newest entry included.
            return last is not null && last.Seq <= record.VisibleHead ? record with { LastEntry = last } : record;
        }
    }
}
