using System.Collections.Immutable;
using System.Threading.Channels;
using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// The social layer: profiles, friends, blacklist, presence and privacy requests, and the notifies
/// that follow them (friends' presence, friend-list events), with the latest presence per friend.
/// </summary>
public sealed partial class ImClient
{
    private readonly Channel<PresenceChanged> _presenceChanges = CreateNotifyChannel<PresenceChanged>();
    private readonly Channel<FriendEvent> _friendEvents = CreateNotifyChannel<FriendEvent>();
    private ImmutableDictionary<ulong, PresenceChanged> _friendPresence = ImmutableDictionary<ulong, PresenceChanged>.Empty;

    /// <summary>
    /// Friends' presence as it changes, including one item per friend of the snapshot the server
    /// sends after every (re)connect. Keeps the newest 4096.
    /// </summary>
    public ChannelReader<PresenceChanged> PresenceChanges => _presenceChanges.Reader;

    /// <summary>Friend requests, acceptances, declines and removals concerning this user. Keeps the newest 4096.</summary>
    public ChannelReader<FriendEvent> FriendEvents => _friendEvents.Reader;

    /// <summary>
    /// The latest known presence of each friend: replaced by every snapshot, updated by every
    /// change. An immutable snapshot, safe to keep and enumerate.
    /// </summary>
    public IReadOnlyDictionary<ulong, PresenceChanged> FriendPresence => Volatile.Read(ref _friendPresence);

    /// <summary>Any user's profile; the home cell of a user of another cell answers through this one.</summary>
    /// <exception cref="ImClientException">NOT_FOUND when there is no such user.</exception>
    public Task<Profile> GetProfileAsync(ulong user, CancellationToken ct = default) =>
        Current().GetProfileAsync(user, ct);

    /// <summary>
    /// Replaces this user's nickname, avatar URL, status text and details with those of
    /// <paramref name="profile"/> (name and user id are ignored); returns the stored profile.
    /// </summary>
    public Task<Profile> SetProfileAsync(Profile profile, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return Current().SetProfileAsync(profile, ct);
    }

    /// <summary>Asks <paramref name="to"/> to become a friend; they get a FriendEvent REQUEST.</summary>
    /// <exception cref="ImClientException">BLOCKED, CONFLICT (already friends, or they asked first), NOT_FOUND.</exception>
    public Task<FriendOk> RequestFriendAsync(ulong to, string message = "", CancellationToken ct = default) =>
        Current().RequestFriendAsync(to, message ?? "", ct);

    /// <summary>Accepts or declines the pending request of <paramref name="from"/>.</summary>
    /// <exception cref="ImClientException">NOT_FOUND when there is no such request.</exception>
    public Task<FriendOk> RespondFriendAsync(ulong from, bool accept, CancellationToken ct = default) =>
        Current().RespondFriendAsync(from, accept, ct);

    /// <summary>Ends the friendship on both sides (and withdraws a pending request to <paramref name="friend"/>).</summary>
    public async Task<FriendOk> RemoveFriendAsync(ulong friend, CancellationToken ct = default)
    {
        var ok = await Current().RemoveFriendAsync(friend, ct);
        ImmutableInterlocked.TryRemove(ref _friendPresence, friend, out _);
        return ok;
    }

    /// <summary>Friends with their presence, pending requests both ways, and the blacklist: every page of it, in one list.</summary>
    public async Task<FriendList> FriendListAsync(CancellationToken ct = default)
    {
        var all = new FriendList();
        var request = new FriendListRequest();
        while (true)
        {
            var page = await Current().FriendListAsync(request, ct);
            all.Friends.Add(page.Friends);
            all.Incoming.Add(page.Incoming);
            all.Outgoing.Add(page.Outgoing);
            all.Blocked.Add(page.Blocked);
            var next = new FriendListRequest { FromSection = page.NextSection, AfterUser = page.NextAfterUser };
            // A server that did not move on would repeat the same page for ever.
            if (!page.HasMore || next.Equals(request))
            {
                return all;
            }

            request = next;
        }
    }

    /// <summary>Blocks (or with <paramref name="block"/> false unblocks) <paramref name="user"/>.</summary>
    public Task<BlockOk> BlockAsync(ulong user, bool block = true, CancellationToken ct = default) =>
        Current().BlockAsync(user, block, ct);

    /// <summary>ONLINE or AWAY, as friends see this user while any device is connected.</summary>
    public Task<PresenceOk> SetPresenceAsync(Presence presence, CancellationToken ct = default) =>
        Current().SetPresenceAsync(presence, ct);

    /// <summary>When on, messages from users who are not friends fail with NOT_FRIENDS.</summary>
    public Task<PrivacyOk> SetOnlyFriendsAsync(bool onlyFriends, CancellationToken ct = default) =>
        Current().SetPrivacyAsync(onlyFriends, ct);

    // Runs on the connection's read loop. The map is updated before the item is queued, so a reader
    // of PresenceChanges finds FriendPresence at least as new as the item.
    private void OnPresenceSnapshot(PresenceSnapshot snapshot)
    {
        var builder = ImmutableDictionary.CreateBuilder<ulong, PresenceChanged>();
        foreach (var friend in snapshot.Friends)
        {
            builder[friend.User] = friend;
        }

        Volatile.Write(ref _friendPresence, builder.ToImmutable());
        foreach (var friend in snapshot.Friends)
        {
            _presenceChanges.Writer.TryWrite(friend);
        }
    }

    private void OnPresenceChanged(PresenceChanged change)
    {
        ImmutableInterlocked.AddOrUpdate(ref _friendPresence, change.User, change, (_, _) => change);
        _presenceChanges.Writer.TryWrite(change);
    }

    private void OnFriendEvent(FriendEvent friendEvent)
    {
        if (friendEvent.Kind == FriendEvent.Types.Kind.Removed)
        {
            ImmutableInterlocked.TryRemove(ref _friendPresence, friendEvent.User, out _);
        }

        _friendEvents.Writer.TryWrite(friendEvent);
    }
}
