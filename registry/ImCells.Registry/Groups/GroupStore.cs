using System.Data.Common;
using Dapper;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using static ImCells.Registry.Groups.GroupRows;

namespace ImCells.Registry.Groups;

/// <summary>
/// The groups homed in this cell: creation, membership and settings. Every change is one
/// transaction that also appends its event to the timeline (<see cref="GroupTimeline"/>) and keeps
/// the member cells' fan-out cursors (<see cref="GroupFanoutStore"/>) in step with where members live.
/// Who may do what is decided here, inside the transaction, by <see cref="GroupRules"/>.
/// </summary>
public sealed class GroupStore(HlrDatabase database)
{
    public Task<GroupRecord?> GetAsync(ulong group, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            (await connection.QuerySingleOrDefaultAsync<GroupRow>($"SELECT {GroupColumns} FROM chat_groups WHERE id = @group", new { group = (long)group }))?.ToRecord(),
            cancellationToken);

    public Task<MemberRecord?> MemberAsync(ulong group, ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => ReadMemberAsync(connection, null, group, user), cancellationToken);

    /// <summary>Current members in number order after <paramref name="afterUser"/>, at most <paramref name="limit"/>; true when more follow.</summary>
    public Task<(IReadOnlyList<MemberRecord> Members, bool HasMore)> MembersAsync(ulong group, ulong afterUser, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<(IReadOnlyList<MemberRecord>, bool)>(async connection =>
        {
            var rows = (await connection.QueryAsync<MemberRow>(
                $"SELECT user_id AS UserId, role AS Role, join_seq AS JoinSeq, left_seq AS LeftSeq FROM group_members WHERE group_id = @group AND left_seq IS NULL AND user_id > @after ORDER BY user_id {database.Dialect.Limit("@take")}",
                new { group = (long)group, after = (long)afterUser, take = limit + 1 })).Select(r => r.ToRecord()).ToList();
            var more = rows.Count > limit;
            return (more ? rows[..limit] : rows, more);
        }, cancellationToken);

    /// <summary>
    /// A new group numbered from <paramref name="ranges"/> (the first free number), with the creator
    /// as owner and <paramref name="members"/>; its first entry is the CREATED event. A repeated
    /// (creator, <paramref name="requestId"/>) returns the first group.
    /// </summary>
    public Task<GroupChange> CreateAsync(
        IReadOnlyList<(ulong First, ulong Last)> ranges, HomedUser creator, IReadOnlyList<HomedUser> members, string name,
        bool joinable, bool historyVisible, string? requestId, string entryId, long nowMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            if (requestId is not null)
            {
                var earlier = await connection.ExecuteScalarAsync<long?>(
                    "SELECT id FROM chat_groups WHERE creator = @creator AND create_request = @requestId",
                    new { creator = (long)creator.User, requestId }, transaction);
                if (earlier is { } id)
                {
                    var group = (await ReadGroupAsync(connection, transaction, (ulong)id))!;
                    var first = await GroupTimeline.EntryAsync(connection, transaction, group.Id, 1);
                    return new GroupChange(group, first!, Duplicate: true);
                }
            }

            var number = await FreeNumberAsync(connection, transaction, ranges)
                ?? throw new GroupRefusedException(ErrorCode.LimitReached, "this cell has no free group number left");
            var everyone = new List<HomedUser> { creator };
            everyone.AddRange(members.Where(m => m.User != creator.User).DistinctBy(m => m.User));
            await connection.ExecuteAsync(
                "INSERT INTO chat_groups (id, name, owner, creator, head_seq, member_count, joinable, history_visible, dissolved, created_at_ms, create_request) VALUES (@id, @name, @owner, @owner, 0, @count, @joinable, @history, 0, @now, @requestId)",
                new { id = (long)number, name, owner = (long)creator.User, count = everyone.Count, joinable = joinable ? 1 : 0, history = historyVisible ? 1 : 0, now = nowMs, requestId },
                transaction);
            var created = new GroupEvent { Kind = GroupEvent.Types.Kind.Created, Name = name };
            created.Members.AddRange(everyone.Select(m => m.User));
            var entry = await GroupTimeline.AppendAsync(database, connection, transaction, number, creator.User, "", created, [], null, entryId, nowMs);
            foreach (var member in everyone)
            {
                await UpsertMemberAsync(connection, transaction, number, member, member == creator ? GroupRole.Owner : GroupRole.Member, entry.Seq);
            }

            await GroupFanoutStore.TrackCellsAsync(connection, transaction, number, everyone.Select(m => m.Cell), entry.Seq);
            return new GroupChange((await ReadGroupAsync(connection, transaction, number))!, entry);
        }, null, cancellationToken);

    /// <summary>Add, remove, leave, join or a role change by <paramref name="actor"/>, as one event.</summary>
    public Task<GroupChange> ChangeMembersAsync(
        ulong groupId, HomedUser actor, GroupMembersChangeRequest.Types.Kind kind, IReadOnlyList<HomedUser> targets, GroupRole role,
        int maxMembers, string entryId, long nowMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var group = await LiveGroupAsync(connection, transaction, groupId);
            var me = await ReadMemberAsync(connection, transaction, groupId, actor.User);
            var current = new Dictionary<ulong, MemberRecord>();
            foreach (var target in targets)
            {
                if (await ReadMemberAsync(connection, transaction, groupId, target.User) is { IsMember: true } member)
                {
                    current[target.User] = member;
                }
            }

            var plan = GroupRules.Plan(group, actor.User, me, kind, targets, current, role, maxMembers);
            var entry = await GroupTimeline.AppendAsync(database, connection, transaction, groupId, actor.User, "", plan.Event, [], null, entryId, nowMs);
            foreach (var (user, newRole) in plan.Roles)
            {
                await connection.ExecuteAsync("UPDATE group_members SET role = @role WHERE group_id = @group AND user_id = @user",
                    new { role = (long)newRole, group = (long)groupId, user = (long)user }, transaction);
            }

            foreach (var joined in plan.Joined)
            {
                await UpsertMemberAsync(connection, transaction, groupId, joined, GroupRole.Member, entry.Seq);
            }

            foreach (var gone in plan.Gone)
            {
                await connection.ExecuteAsync("UPDATE group_members SET role = 0, left_seq = @seq WHERE group_id = @group AND user_id = @user",
                    new { seq = (long)entry.Seq, group = (long)groupId, user = (long)gone.User }, transaction);
            }

            if (plan.NewOwner is { } owner)
            {
                await connection.ExecuteAsync("UPDATE chat_groups SET owner = @owner WHERE id = @group", new { owner = (long)owner, group = (long)groupId }, transaction);
            }

            await connection.ExecuteAsync("UPDATE chat_groups SET member_count = member_count + @delta WHERE id = @group",
                new { delta = plan.Joined.Count - plan.Gone.Count, group = (long)groupId }, transaction);
            await GroupFanoutStore.TrackCellsAsync(connection, transaction, groupId, plan.Joined.Select(j => j.Cell), entry.Seq);
            await GroupFanoutStore.RetireEmptyCellsAsync(connection, transaction, groupId, plan.Gone.Select(g => g.Cell), entry.Seq);
            return new GroupChange((await ReadGroupAsync(connection, transaction, groupId))!, entry);
        }, null, cancellationToken);

    /// <summary>Rename (admins) or dissolve (the owner), as one event.</summary>
    public Task<GroupChange> SetAsync(ulong groupId, ulong actor, string? name, bool dissolve, string entryId, long nowMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var group = await LiveGroupAsync(connection, transaction, groupId);
            var me = await ReadMemberAsync(connection, transaction, groupId, actor);
            var change = GroupRules.Setting(group, actor, me, name, dissolve);
            var entry = await GroupTimeline.AppendAsync(database, connection, transaction, groupId, actor, "", change, [], null, entryId, nowMs);
            if (dissolve)
            {
                await connection.ExecuteAsync("UPDATE chat_groups SET dissolved = 1 WHERE id = @group", new { group = (long)groupId }, transaction);
                await GroupFanoutStore.RetireAllAsync(connection, transaction, groupId, entry.Seq);
            }
            else
            {
                await connection.ExecuteAsync("UPDATE chat_groups SET name = @name WHERE id = @group", new { name, group = (long)groupId }, transaction);
            }

            return new GroupChange((await ReadGroupAsync(connection, transaction, groupId))!, entry);
        }, null, cancellationToken);

    internal static async Task<GroupRecord?> ReadGroupAsync(DbConnection connection, DbTransaction? transaction, ulong group) =>
        (await connection.QuerySingleOrDefaultAsync<GroupRow>($"SELECT {GroupColumns} FROM chat_groups WHERE id = @group", new { group = (long)group }, transaction))?.ToRecord();

    /// <summary>The group, refused with NOT_FOUND when it does not exist or was dissolved.</summary>
    internal static async Task<GroupRecord> LiveGroupAsync(DbConnection connection, DbTransaction transaction, ulong groupId)
    {
        var group = await ReadGroupAsync(connection, transaction, groupId);
        return group is null ? throw new GroupRefusedException(ErrorCode.NotFound, $"no group {groupId}")
            : group.Dissolved ? throw new GroupRefusedException(ErrorCode.NotFound, $"group {groupId} was dissolved")
            : group;
    }

    internal static async Task<MemberRecord?> ReadMemberAsync(DbConnection connection, DbTransaction? transaction, ulong group, ulong user) =>
        (await connection.QuerySingleOrDefaultAsync<MemberRow>(
            "SELECT user_id AS UserId, role AS Role, join_seq AS JoinSeq, left_seq AS LeftSeq FROM group_members WHERE group_id = @group AND user_id = @user",
            new { group = (long)group, user = (long)user }, transaction))?.ToRecord();

    private async Task UpsertMemberAsync(DbConnection connection, DbTransaction transaction, ulong group, HomedUser member, GroupRole role, ulong joinSeq) =>
        await connection.ExecuteAsync(database.Dialect.Upsert(
                "group_members", "group_id, user_id, cell, role, join_seq, left_seq", "@group, @user, @cell, @role, @seq, NULL", "group_id, user_id",
                set: "role = excluded.role, join_seq = excluded.join_seq, left_seq = NULL"),
            new { group = (long)group, user = (long)member.User, cell = member.Cell, role = (long)role, seq = (long)joinSeq }, transaction);

    private static async Task<ulong?> FreeNumberAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(ulong First, ulong Last)> ranges)
    {
        foreach (var (first, last) in ranges)
        {
            var highest = await connection.ExecuteScalarAsync<long?>(
                "SELECT MAX(id) FROM chat_groups WHERE id BETWEEN @first AND @last", new { first = (long)first, last = (long)last }, transaction);
            var next = highest is { } h ? (ulong)h + 1 : first;
            if (next <= last)
            {
                return next;
            }
        }

        return null;
    }
}
