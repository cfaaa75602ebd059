using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cluster.Tests;

/// <summary>Friendships and presence as the clients see them, each step bounded.</summary>
internal static class Social
{
    /// <summary>How long one friend event or presence notify may take to arrive.</summary>
    public static readonly TimeSpan EventBound = TimeSpan.FromSeconds(15);

    /// <summary><paramref name="asker"/> asks, <paramref name="accepter"/> accepts; both see their event.</summary>
    public static async Task MakeFriendsAsync(ImClient asker, ImClient accepter, CancellationToken ct)
    {
        await asker.RequestFriendAsync(accepter.UserId, $"{asker.UserId} here", ct);
        await FriendEventAsync(accepter, FriendEvent.Types.Kind.Request, asker.UserId, ct);
        await accepter.RespondFriendAsync(asker.UserId, accept: true, ct);
        await FriendEventAsync(asker, FriendEvent.Types.Kind.Accepted, accepter.UserId, ct);
    }

    /// <summary>The next FriendEvent of <paramref name="kind"/> about <paramref name="user"/> (others before it are skipped).</summary>
    public static Task<FriendEvent> FriendEventAsync(ImClient client, FriendEvent.Types.Kind kind, ulong user, CancellationToken ct) =>
        Wait.ForOneAsync(client.FriendEvents, e => e.Kind == kind && e.User == user,
            $"FriendEvent {kind} about {user} at user {client.UserId}", EventBound, ct);

    /// <summary>
    /// The next PresenceChanged (a notify or a snapshot item) saying <paramref name="user"/> is
    /// <paramref name="presence"/>, as <paramref name="watcher"/> receives it; earlier items are skipped.
    /// </summary>
    public static Task<PresenceChanged> PresenceAsync(
        ImClient watcher, ulong user, Presence presence, TimeSpan timeout, CancellationToken ct) =>
        Wait.ForOneAsync(watcher.PresenceChanges, p => p.User == user && p.Presence == presence,
            $"{presence} of {user} at user {watcher.UserId}", timeout, ct);

    /// <summary>The friend entry for <paramref name="friend"/> in <paramref name="client"/>'s list; fails when absent.</summary>
    public static async Task<Friend> FriendEntryAsync(ImClient client, ulong friend, CancellationToken ct)
    {
        var list = await client.FriendListAsync(ct);
        return list.Friends.SingleOrDefault(f => f.User == friend)
            ?? throw new Xunit.Sdk.XunitException($"{friend} is not in {client.UserId}'s friend list: {list}");
    }
}
