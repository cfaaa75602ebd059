using System.Collections.Concurrent;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Presence;

/// <summary>
/// Friends and blacklists of this cell's users in memory, so a presence change does not read the
/// database. Dropped whenever the user's friends or blacklist change, and when the user goes offline.
/// </summary>
internal sealed class FriendCache(SocialStore social)
{
    private readonly ConcurrentDictionary<ulong, Lazy<Task<ulong[]>>> _friends = new();
    private readonly ConcurrentDictionary<ulong, Lazy<Task<HashSet<ulong>>>> _blocked = new();

    public Task<ulong[]> FriendsOfAsync(ulong user) =>
        _friends.GetOrAdd(user, u => new Lazy<Task<ulong[]>>(async () =>
            (await social.FriendsAsync(u, CancellationToken.None)).Select(f => f.Friend).ToArray())).Value;

    public Task<HashSet<ulong>> BlockedByAsync(ulong user) =>
        _blocked.GetOrAdd(user, u => new Lazy<Task<HashSet<ulong>>>(async () =>
            (await social.BlockedAsync(u, CancellationToken.None)).ToHashSet())).Value;

    /// <summary>The friends who may see <paramref name="user"/>'s presence: not the ones it blocked.</summary>
    public async Task<IEnumerable<ulong>> PresenceWatchersAsync(ulong user)
    {
        var friends = await FriendsOfAsync(user);
        var blocked = await BlockedByAsync(user);
        return friends.Where(f => !blocked.Contains(f));
    }

    public void Invalidate(ulong user)
    {
        _friends.TryRemove(user, out _);
        _blocked.TryRemove(user, out _);
    }
}
