using System.Data.Common;
using System.Text.Json;
using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Profiles, friends, friend requests, the blacklist, privacy and last-seen times of this cell's
/// users. Every change is idempotent, so a retried cross-cell step cannot double anything.
/// </summary>
public sealed class SocialStore(HlrDatabase database)
{
    public Task<ProfileRecord?> GetProfileAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var row = await connection.QuerySingleOrDefaultAsync<ProfileRow>(
                "SELECT id AS Id, name AS Name, nickname AS Nickname, avatar_url AS AvatarUrl, status_text AS StatusText, details AS Details, profile_updated_ms AS UpdatedMs, only_friends AS OnlyFriends FROM users WHERE id = @user",
                new { user = (long)user });
            return row?.ToRecord();
        }, cancellationToken);

    /// <summary>Replaces the editable profile fields; false when the user does not exist.</summary>
    public Task<bool> SetProfileAsync(ulong user, string nickname, string avatarUrl, string statusText,
        IReadOnlyDictionary<string, string> details, long nowMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "UPDATE users SET nickname = @nickname, avatar_url = @avatarUrl, status_text = @statusText, details = @details, profile_updated_ms = @nowMs WHERE id = @user",
            new { nickname, avatarUrl, statusText, details = JsonSerializer.Serialize(details), nowMs, user = (long)user }, transaction) == 1,
            null, cancellationToken);

    public Task SetOnlyFriendsAsync(ulong user, bool onlyFriends, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE users SET only_friends = @value WHERE id = @user", new { value = onlyFriends ? 1 : 0, user = (long)user }, transaction),
            null, cancellationToken);

    public Task AddWatcherAsync(ulong user, string cell, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            database.Dialect.Upsert("profile_watchers", "user_id, cell", "@user, @cell", "user_id, cell"), new { user = (long)user, cell }, transaction),
            null, cancellationToken);

    public Task<IReadOnlyList<string>> WatchersAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<string>>(async connection =>
            (await connection.QueryAsync<string>("SELECT cell FROM profile_watchers WHERE user_id = @user", new { user = (long)user })).ToList(),
            cancellationToken);

    public Task<IReadOnlyList<FriendRecord>> FriendsAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<FriendRecord>>(async connection =>
            (await connection.QueryAsync<(long Friend, string Nickname, long SinceMs)>(
                "SELECT friend_id, nickname, since_ms FROM friends WHERE user_id = @user ORDER BY friend_id", new { user = (long)user }))
            .Select(r => new FriendRecord((ulong)r.Friend, r.Nickname, r.SinceMs)).ToList(), cancellationToken);

    /// <summary>One page of friends: numbers above <paramref name="afterUser"/>, by number, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<FriendRecord>> FriendsAsync(ulong user, ulong afterUser, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<FriendRecord>>(async connection =>
            (await connection.QueryAsync<(long Friend, string Nickname, long SinceMs)>(
                $"SELECT friend_id, nickname, since_ms FROM friends WHERE user_id = @user AND friend_id > @after ORDER BY friend_id {database.Dialect.Limit("@limit")}",
                new { user = (long)user, after = (long)afterUser, limit }))
            .Select(r => new FriendRecord((ulong)r.Friend, r.Nickname, r.SinceMs)).ToList(), cancellationToken);

    /// <summary>How many friends, pending requests each way and blocked users <paramref name="user"/> has (each counted on its primary key).</summary>
    public Task<SocialCounts> CountsAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.QuerySingleAsync<SocialCounts>(
            """
            SELECT (SELECT COUNT(*) FROM friends WHERE user_id = @user) AS Friends,
                   (SELECT COUNT(*) FROM friend_requests WHERE user_id = @user AND direction = 'in') AS Incoming,
                   (SELECT COUNT(*) FROM friend_requests WHERE user_id = @user AND direction = 'out') AS Outgoing,
                   (SELECT COUNT(*) FROM blacklist WHERE user_id = @user) AS Blocked
            """, new { user = (long)user }), cancellationToken);

    public Task<bool> AreFriendsAsync(ulong user, ulong other, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => await connection.ExecuteScalarAsync<long?>(
            "SELECT 1 FROM friends WHERE user_id = @user AND friend_id = @other", new { user = (long)user, other = (long)other }) is not null,
            cancellationToken);

    /// <summary>Makes <paramref name="friend"/> a friend of <paramref name="user"/> and drops pending requests between them.</summary>
    public Task AddFriendAsync(ulong user, ulong friend, string nickname, long nowMs, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var args = new { user = (long)user, friend = (long)friend, nickname, nowMs };
            await connection.ExecuteAsync(
                database.Dialect.Upsert("friends", "user_id, friend_id, nickname, since_ms", "@user, @friend, @nickname, @nowMs", "user_id, friend_id"), args, transaction);
            return await connection.ExecuteAsync("DELETE FROM friend_requests WHERE user_id = @user AND other_id = @friend", args, transaction);
        }, null, cancellationToken);

    public Task RemoveFriendAsync(ulong user, ulong friend, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM friends WHERE user_id = @user AND friend_id = @friend", new { user = (long)user, friend = (long)friend }, transaction),
            null, cancellationToken);

    public Task AddRequestAsync(ulong user, ulong other, string direction, string nickname, string message, long nowMs, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            database.Dialect.Upsert(
                "friend_requests", "user_id, other_id, direction, nickname, message, created_at_ms", "@user, @other, @direction, @nickname, @message, @nowMs",
                "user_id, other_id, direction", set: "nickname = excluded.nickname, message = excluded.message"),
            new { user = (long)user, other = (long)other, direction, nickname, message, nowMs }, transaction),
            null, cancellationToken);

    /// <summary>True when a pending request was removed.</summary>
    public Task<bool> RemoveRequestAsync(ulong user, ulong other, string direction, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "DELETE FROM friend_requests WHERE user_id = @user AND other_id = @other AND direction = @direction",
            new { user = (long)user, other = (long)other, direction }, transaction) == 1,
            null, cancellationToken);

    public Task<FriendRequestRecord?> FindRequestAsync(ulong user, ulong other, string direction, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => (await connection.QuerySingleOrDefaultAsync<(long Other, string Nickname, string Message, long CreatedAtMs)?>(
            "SELECT other_id, nickname, message, created_at_ms FROM friend_requests WHERE user_id = @user AND other_id = @other AND direction = @direction",
            new { user = (long)user, other = (long)other, direction })) is { } r
            ? new FriendRequestRecord((ulong)r.Other, r.Nickname, r.Message, r.CreatedAtMs)
            : null, cancellationToken);

    /// <summary>One page of pending requests: other party's number above <paramref name="afterUser"/>, by number, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<FriendRequestRecord>> RequestsAsync(ulong user, string direction, ulong afterUser, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<FriendRequestRecord>>(async connection =>
            (await connection.QueryAsync<(long Other, string Nickname, string Message, long CreatedAtMs)>(
                $"SELECT other_id, nickname, message, created_at_ms FROM friend_requests WHERE user_id = @user AND direction = @direction AND other_id > @after ORDER BY other_id {database.Dialect.Limit("@limit")}",
                new { user = (long)user, direction, after = (long)afterUser, limit }))
            .Select(r => new FriendRequestRecord((ulong)r.Other, r.Nickname, r.Message, r.CreatedAtMs)).ToList(), cancellationToken);

    public Task SetBlockedAsync(ulong user, ulong other, bool blocked, long nowMs, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            blocked
                ? database.Dialect.Upsert("blacklist", "user_id, blocked_id, since_ms", "@user, @other, @nowMs", "user_id, blocked_id")
                : "DELETE FROM blacklist WHERE user_id = @user AND blocked_id = @other",
            new { user = (long)user, other = (long)other, nowMs }, transaction),
            null, cancellationToken);

    public Task<bool> IsBlockedAsync(ulong user, ulong other, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => await IsBlockedAsync(connection, null, user, other), cancellationToken);

    public Task<IReadOnlyList<ulong>> BlockedAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ulong>>(async connection =>
            (await connection.QueryAsync<long>("SELECT blocked_id FROM blacklist WHERE user_id = @user ORDER BY blocked_id", new { user = (long)user }))
            .Select(b => (ulong)b).ToList(), cancellationToken);

    /// <summary>One page of the blacklist: numbers above <paramref name="afterUser"/>, in order, at most <paramref name="limit"/>.</summary>
    public Task<IReadOnlyList<ulong>> BlockedAsync(ulong user, ulong afterUser, int limit, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ulong>>(async connection =>
            (await connection.QueryAsync<long>(
                $"SELECT blocked_id FROM blacklist WHERE user_id = @user AND blocked_id > @after ORDER BY blocked_id {database.Dialect.Limit("@limit")}",
                new { user = (long)user, after = (long)afterUser, limit }))
            .Select(b => (ulong)b).ToList(), cancellationToken);

    /// <summary>Many last-seen times in one transaction: presence writes are coalesced, not one per event.</summary>
    public Task SaveLastSeenAsync(IReadOnlyCollection<(ulong User, long LastSeenMs)> seen, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "UPDATE users SET last_seen_ms = @LastSeenMs WHERE id = @User",
            seen.Select(s => new { User = (long)s.User, s.LastSeenMs }), transaction),
            null, cancellationToken);

    public Task<long> LastSeenAsync(ulong user, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection => await connection.ExecuteScalarAsync<long?>(
            "SELECT last_seen_ms FROM users WHERE id = @user", new { user = (long)user }) ?? 0, cancellationToken);

    private static async Task<bool> IsBlockedAsync(DbConnection connection, DbTransaction? transaction, ulong user, ulong other) =>
        await connection.ExecuteScalarAsync<long?>(
            "SELECT 1 FROM blacklist WHERE user_id = @user AND blocked_id = @other", new { user = (long)user, other = (long)other }, transaction) is not null;

    private sealed class ProfileRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string Nickname { get; init; } = "";
        public string AvatarUrl { get; init; } = "";
        public string StatusText { get; init; } = "";
        public string Details { get; init; } = "{}";
        public long UpdatedMs { get; init; }
        public long OnlyFriends { get; init; }

        public ProfileRecord ToRecord() => new((ulong)Id, Name, Nickname.Length > 0 ? Nickname : Name, AvatarUrl, StatusText,
            JsonSerializer.Deserialize<Dictionary<string, string>>(Details) ?? [], UpdatedMs, OnlyFriends != 0);
    }
}
