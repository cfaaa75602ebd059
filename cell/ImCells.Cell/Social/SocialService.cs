using Google.Protobuf.Collections;
using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Cell.Presence;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using FriendSection = ImCells.Protos.Client.FriendListRequest.Types.Section;
using PresenceState = ImCells.Protos.Client.Presence;

namespace ImCells.Cell.Social;

/// <summary>
/// Profiles, friends, blacklist and presence requests of this cell's users. A friend change that
/// crosses cells is applied at the other user's home cell first (FriendUpdate, idempotent), then
/// here, so a failure in between is mended by simply repeating the request.
/// </summary>
internal sealed partial class SocialService(
    CellIdentity self,
    TopologyCache topology,
    ChannelPool channels,
    SocialStore social,
    FriendCache friendCache,
    PresenceTracker tracker,
    PresenceFanout fanout,
    RemotePresence remotePresence,
    RemoteUsers remoteUsers,
    Notifier notifier,
    TimeProvider time,
    ILogger<SocialService> logger)
{
    /// <summary>Most entries one friend-list page carries, all sections together.</summary>
    internal const int FriendListPageItems = 500;

    public async Task<Profile> GetProfileAsync(ulong user, CancellationToken cancellationToken)
    {
        var home = topology.Current.Locate(user) ?? throw NotFound(user);
        if (home.Id == self.Id)
        {
            return ToProto(await social.GetProfileAsync(user, cancellationToken) ?? throw NotFound(user));
        }

        var record = await remoteUsers.ProfileAsync(home, user, cancellationToken)
            ?? throw new ChatRequestException(ErrorCode.Unavailable, $"cell '{home.Id}' is unreachable; try again");
        return record is { Exists: true, Profile: not null } ? record.Profile : throw NotFound(user);
    }

    public async Task<Profile> SetProfileAsync(ulong user, Profile profile, CancellationToken cancellationToken)
    {
        var clean = SocialLimits.Check(profile);
        await social.SetProfileAsync(user, clean.Nickname, clean.AvatarUrl, clean.StatusText, clean.Details,
            time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        // Invalidate before answering: once the caller has the answer, no cell serves the old profile.
        var watchers = await social.WatchersAsync(user, cancellationToken);
        await Task.WhenAll(watchers.Select(cell => InvalidateAsync(cell, user)));
        return await GetProfileAsync(user, cancellationToken);
    }

    public async Task<FriendOk> RequestAsync(ulong me, FriendRequest request, CancellationToken cancellationToken)
    {
        SocialLimits.Require(request.To != me, "you cannot befriend yourself");
        var message = SocialLimits.RequestMessageOf(request.Message);
        if (await social.IsBlockedAsync(me, request.To, cancellationToken))
        {
            // A friend one hides from would be shown a presence chosen for friends: unblock first.
            throw new ChatRequestException(ErrorCode.Conflict, $"you blocked {request.To}; unblock them first");
        }

        if (await social.AreFriendsAsync(me, request.To, cancellationToken))
        {
            throw new ChatRequestException(ErrorCode.Conflict, $"{request.To} is already your friend");
        }

        if (await social.FindRequestAsync(me, request.To, FriendDirection.Incoming, cancellationToken) is not null)
        {
            throw new ChatRequestException(ErrorCode.Conflict, $"{request.To} already asked you; accept their request");
        }

        // Asking the same user again is no new entry: looked up only when the cap would refuse.
        var mine = await social.CountsAsync(me, cancellationToken);
        SocialCaps.CheckAsker(mine, alreadyAsked: mine.Outgoing >= SocialCaps.OutgoingRequests
            && await social.FindRequestAsync(me, request.To, FriendDirection.Outgoing, cancellationToken) is not null);
        var reply = await UpdateAsync(request.To, new FriendUpdateRequest
        {
            Kind = FriendUpdateRequest.Types.Kind.Request,
            From = me,
            FromNickname = await NicknameAsync(me, cancellationToken),
            To = request.To,
            Message = message,
        }, cancellationToken);
        Refused(reply, request.To, "send friend requests to");
        await social.AddRequestAsync(me, request.To, FriendDirection.Outgoing, "", message, Now, cancellationToken);
        return new FriendOk { User = request.To };
    }

    public async Task<FriendOk> RespondAsync(ulong me, FriendRespondRequest respond, CancellationToken cancellationToken)
    {
        var pending = await social.FindRequestAsync(me, respond.From, FriendDirection.Incoming, cancellationToken)
            ?? throw new ChatRequestException(ErrorCode.NotFound, $"no friend request from {respond.From}");
        if (respond.Accept)
        {
            SocialCaps.CheckAccepting(await social.CountsAsync(me, cancellationToken));
        }

        var (myPresence, mySeen) = tracker.Get(me);
        var reply = await UpdateAsync(respond.From, new FriendUpdateRequest
        {
            Kind = respond.Accept ? FriendUpdateRequest.Types.Kind.Accepted : FriendUpdateRequest.Types.Kind.Declined,
            From = me,
            FromNickname = await NicknameAsync(me, cancellationToken),
            To = respond.From,
            Presence = myPresence,
            LastSeenMs = mySeen,
        }, cancellationToken);
        if (reply.Result == FriendUpdateReply.Types.Result.NotFound)
        {
            await social.RemoveRequestAsync(me, respond.From, FriendDirection.Incoming, cancellationToken);
            throw new ChatRequestException(ErrorCode.NotFound, $"{respond.From} no longer asks to be your friend");
        }

        Refused(reply, respond.From, "befriend");
        if (!respond.Accept)
        {
            await social.RemoveRequestAsync(me, respond.From, FriendDirection.Incoming, cancellationToken);
            return new FriendOk { User = respond.From };
        }

        await social.AddFriendAsync(me, respond.From, pending.Nickname, Now, cancellationToken);
        friendCache.Invalidate(me);
        ShowNewFriend(me, respond.From, reply.Presence, reply.LastSeenMs);
        FriendsNow(logger, me, respond.From);
        return new FriendOk { User = respond.From };
    }

    public async Task<FriendOk> RemoveAsync(ulong me, ulong friend, CancellationToken cancellationToken)
    {
        var reply = await UpdateAsync(friend, new FriendUpdateRequest { Kind = FriendUpdateRequest.Types.Kind.Removed, From = me, To = friend }, cancellationToken);
        if (reply.Result is not (FriendUpdateReply.Types.Result.Ok or FriendUpdateReply.Types.Result.NotFound))
        {
            Refused(reply, friend, "remove");
        }

        await social.RemoveFriendAsync(me, friend, cancellationToken);
        await social.RemoveRequestAsync(me, friend, FriendDirection.Outgoing, cancellationToken);
        friendCache.Invalidate(me);
        return new FriendOk { User = friend };
    }

    /// <summary>
    /// One page of the friend list: friends, incoming and outgoing requests, blocked users, each
    /// section by user number, from where <paramref name="request"/> says. Cut by count
    /// (<see cref="FriendListPageItems"/>) and by bytes; says where the next page starts.
    /// </summary>
    public async Task<FriendList> ListAsync(ulong me, FriendListRequest request, CancellationToken cancellationToken)
    {
        if (!Enum.IsDefined(request.FromSection))
        {
            throw ChatRequestException.BadRequest($"from_section {(int)request.FromSection} is not a section of the friend list");
        }

        var list = new FriendList();
        var page = new ResponsePage();
        var after = request.AfterUser;
        for (var section = request.FromSection; section <= FriendSection.Blocked; section++, after = 0)
        {
            var room = FriendListPageItems - page.Count;
            var next = section switch
            {
                FriendSection.Friends => await FriendsPageAsync(me, after, room, list, page, cancellationToken),
                FriendSection.Incoming => await RequestsPageAsync(me, FriendDirection.Incoming, after, room, list.Incoming, page, cancellationToken),
                FriendSection.Outgoing => await RequestsPageAsync(me, FriendDirection.Outgoing, after, room, list.Outgoing, page, cancellationToken),
                _ => Fill(await social.BlockedAsync(me, after, room + 1, cancellationToken), room, after, b => b, b => page.TryAdd(list.Blocked, b)),
            };
            if (next is { } afterUser)
            {
                list.HasMore = true;
                list.NextSection = section;
                list.NextAfterUser = afterUser;
                return list;
            }
        }

        return list;
    }

    /// <summary>The friends' presence, pushed to a device right after its AuthOk.</summary>
    public async Task<PresenceSnapshot> SnapshotAsync(ulong me, CancellationToken cancellationToken)
    {
        var snapshot = new PresenceSnapshot();
        foreach (var friend in await social.FriendsAsync(me, cancellationToken))
        {
            var (presence, lastSeen) = await PresenceOfAsync(friend.Friend, me);
            snapshot.Friends.Add(new PresenceChanged { User = friend.Friend, Presence = presence, LastSeenMs = lastSeen });
        }

        return snapshot;
    }

    public async Task<BlockOk> BlockAsync(ulong me, BlockRequest request, CancellationToken cancellationToken)
    {
        SocialLimits.Require(request.User != me && request.User != 0, "cannot block that user");
        if (request.Block && !await social.IsBlockedAsync(me, request.User, cancellationToken))
        {
            SocialCaps.CheckBlocking(await social.CountsAsync(me, cancellationToken));
        }

        await social.SetBlockedAsync(me, request.User, request.Block, Now, cancellationToken);
        friendCache.Invalidate(me);
        if (request.Block)
        {
            await social.RemoveRequestAsync(me, request.User, FriendDirection.Incoming, cancellationToken);
        }

        // A friend just blocked sees me go offline at once (and online again on unblock), wherever it is
        // homed; its cell stops showing my presence to it before this answer leaves.
        if (await social.AreFriendsAsync(me, request.User, cancellationToken))
        {
            await fanout.ReannounceAsync(me, request.User);
        }

        return new BlockOk { User = request.User, Blocked = request.Block };
    }

    public PresenceOk SetPresence(ulong me, SetPresenceRequest request)
    {
        SocialLimits.Require(request.Presence is PresenceState.Online or PresenceState.Away, "presence must be ONLINE or AWAY");
        if (tracker.SetAway(me, request.Presence == PresenceState.Away) is { } change)
        {
            fanout.Publish(change);
        }

        return new PresenceOk { Presence = request.Presence };
    }

    public async Task<PrivacyOk> SetPrivacyAsync(ulong me, SetPrivacyRequest request, CancellationToken cancellationToken)
    {
        await social.SetOnlyFriendsAsync(me, request.OnlyFriends, cancellationToken);
        return new PrivacyOk { OnlyFriends = request.OnlyFriends };
    }

    /// <summary>
    /// A friend-list step for a user homed here, from this cell or another one. Idempotent: a
    /// repeated step finds the work already done and answers OK.
    /// </summary>
    public async Task<FriendUpdateReply> ApplyUpdateAsync(FriendUpdateRequest update, CancellationToken cancellationToken)
    {
        var to = update.To;
        if (await social.GetProfileAsync(to, cancellationToken) is null)
        {
            return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.NotFound, Message = $"user {to} does not exist" };
        }

        var friendEvent = new FriendEvent { User = update.From, Nickname = update.FromNickname, Message = update.Message };
        switch (update.Kind)
        {
            case FriendUpdateRequest.Types.Kind.Request:
                if (await social.IsBlockedAsync(to, update.From, cancellationToken))
                {
                    return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.Blocked };
                }

                if (await social.AreFriendsAsync(to, update.From, cancellationToken))
                {
                    return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.Conflict, Message = "already friends" };
                }

                var theirs = await social.CountsAsync(to, cancellationToken);
                var alreadyAsked = theirs.Incoming >= SocialCaps.IncomingRequests
                    && await social.FindRequestAsync(to, update.From, FriendDirection.Incoming, cancellationToken) is not null;
                if (SocialCaps.CheckAsked(to, theirs, alreadyAsked) is { } full)
                {
                    return full;
                }

                await social.AddRequestAsync(to, update.From, FriendDirection.Incoming, update.FromNickname, update.Message, Now, cancellationToken);
                friendEvent.Kind = FriendEvent.Types.Kind.Request;
                break;
            case FriendUpdateRequest.Types.Kind.Accepted:
                var asked = await social.FindRequestAsync(to, update.From, FriendDirection.Outgoing, cancellationToken) is not null;
                if (!asked && !await social.AreFriendsAsync(to, update.From, cancellationToken))
                {
                    return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.NotFound, Message = "no pending request" };
                }

                if (asked && SocialCaps.CheckAccepted(to, await social.CountsAsync(to, cancellationToken)) is { } noRoom)
                {
                    return noRoom;
                }

                await social.AddFriendAsync(to, update.From, update.FromNickname, Now, cancellationToken);
                friendCache.Invalidate(to);
                ShowNewFriend(to, update.From, update.Presence, update.LastSeenMs);
                friendEvent.Kind = FriendEvent.Types.Kind.Accepted;
                break;
            case FriendUpdateRequest.Types.Kind.Declined:
                await social.RemoveRequestAsync(to, update.From, FriendDirection.Outgoing, cancellationToken);
                friendEvent.Kind = FriendEvent.Types.Kind.Declined;
                break;
            case FriendUpdateRequest.Types.Kind.Removed:
                await social.RemoveFriendAsync(to, update.From, cancellationToken);
                friendCache.Invalidate(to);
                friendEvent.Kind = FriendEvent.Types.Kind.Removed;
                break;
        }

        notifier.FriendEvent(to, friendEvent);
        var (presence, lastSeen) = await PresenceOfAsync(to, update.From);
        return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.Ok, Presence = presence, LastSeenMs = lastSeen };
    }

    /// <summary>The home cell side of GetProfile: remembers an asking cell that watches, so it hears of changes.</summary>
    public async Task<GetProfileReply> ServeProfileAsync(Protos.Cell.GetProfileRequest request, CancellationToken cancellationToken)
    {
        var record = await social.GetProfileAsync(request.UserId, cancellationToken);
        if (record is null)
        {
            return new GetProfileReply { Exists = false };
        }

        if (request.Watch && request.FromCell.Length > 0 && request.FromCell != self.Id)
        {
            await social.AddWatcherAsync(request.UserId, request.FromCell, cancellationToken);
        }

        return new GetProfileReply { Exists = true, Profile = ToProto(record) };
    }

    /// <summary>
    /// Presence of <paramref name="user"/> as <paramref name="viewer"/> may see it: a user who blocked
    /// the viewer shows offline with no last-seen time, as a stranger would.
    /// </summary>
    private async Task<(PresenceState, long)> PresenceOfAsync(ulong user, ulong viewer)
    {
        var home = topology.Current.Locate(user);
        if (home?.Id != self.Id)
        {
            return remotePresence.Get(user, viewer); // the home cell names the viewers it allows
        }

        if ((await friendCache.BlockedByAsync(user)).Contains(viewer))
        {
            return (PresenceState.Offline, 0);
        }

        return tracker.Get(user);
    }

    /// <summary>Shows a new friend's presence to <paramref name="user"/> (a user of this cell).</summary>
    private void ShowNewFriend(ulong user, ulong friend, PresenceState presence, long lastSeenMs)
    {
        if (topology.Current.Locate(friend)?.Id != self.Id)
        {
            remotePresence.Seed(friend, presence, lastSeenMs, fanout.Ttl, user);
        }

        notifier.Presence(user, friend, presence, lastSeenMs);
    }

    private async Task<ulong?> FriendsPageAsync(ulong me, ulong after, int room, FriendList list, ResponsePage page, CancellationToken cancellationToken)
    {
        var rows = await social.FriendsAsync(me, after, room + 1, cancellationToken);
        var friends = new List<Friend>(Math.Min(rows.Count, room));
        foreach (var row in rows.Take(room))
        {
            var (presence, lastSeen) = await PresenceOfAsync(row.Friend, me);
            friends.Add(new Friend { User = row.Friend, Nickname = row.Nickname, Presence = presence, LastSeenMs = lastSeen, SinceMs = row.SinceMs });
        }

        return Fill(friends, room, after, f => f.User, f => page.TryAdd(list.Friends, f), more: rows.Count > room);
    }

    private async Task<ulong?> RequestsPageAsync(
        ulong me, string direction, ulong after, int room, RepeatedField<PendingFriendRequest> into, ResponsePage page, CancellationToken cancellationToken)
    {
        var rows = await social.RequestsAsync(me, direction, after, room + 1, cancellationToken);
        return Fill(rows, room, after, r => r.Other, r => page.TryAdd(into, ToProto(r)));
    }

    /// <summary>
    /// Adds one section's rows (fetched with one more than <paramref name="room"/>) while they fit:
    /// null when the section is done, else the user after which the next page goes on.
    /// </summary>
    private static ulong? Fill<T>(IReadOnlyList<T> rows, int room, ulong after, Func<T, ulong> userOf, Func<T, bool> tryAdd, bool? more = null)
    {
        var last = after;
        foreach (var row in rows.Take(room))
        {
            if (!tryAdd(row))
            {
                return last;
            }

            last = userOf(row);
        }

        return (more ?? rows.Count > room) ? last : null;
    }

    private async Task<FriendUpdateReply> UpdateAsync(ulong target, FriendUpdateRequest update, CancellationToken cancellationToken)
    {
        var home = topology.Current.Locate(target) ?? throw NotFound(target);
        if (home.Id == self.Id)
        {
            return await ApplyUpdateAsync(update, cancellationToken);
        }

        try
        {
            return await channels.Client<SocialPeering.SocialPeeringClient>(home.Grpc).FriendUpdateAsync(update, deadline: Deadlines.Short, cancellationToken: cancellationToken);
        }
        catch (RpcException e)
        {
            throw new ChatRequestException(ErrorCode.Unavailable, $"cell '{home.Id}' is unreachable ({e.Status.StatusCode}); nothing changed, try again");
        }
    }

    private async Task InvalidateAsync(string cellId, ulong user)
    {
        var cell = topology.Current.FindCell(cellId);
        if (cell is null)
        {
            return;
        }

        try
        {
            var request = new InvalidateProfilesRequest { FromCell = self.Id };
            request.UserIds.Add(user);
            await channels.Client<SocialPeering.SocialPeeringClient>(cell.Grpc).InvalidateProfilesAsync(request, deadline: Deadlines.Short);
        }
        catch (RpcException e)
        {
            InvalidationLost(logger, user, cellId, e.Status.Detail);
        }
    }

    private static void Refused(FriendUpdateReply reply, ulong other, string what)
    {
        switch (reply.Result)
        {
            case FriendUpdateReply.Types.Result.Ok:
                return;
            case FriendUpdateReply.Types.Result.NotFound:
                throw new ChatRequestException(ErrorCode.NotFound, reply.Message.Length > 0 ? reply.Message : $"user {other} does not exist");
            case FriendUpdateReply.Types.Result.Blocked:
                throw new ChatRequestException(ErrorCode.Blocked, $"you cannot {what} {other}");
            default:
                throw new ChatRequestException(ErrorCode.Conflict, reply.Message.Length > 0 ? reply.Message : "conflicting friend state");
        }
    }

    private async Task<string> NicknameAsync(ulong user, CancellationToken cancellationToken) =>
        (await social.GetProfileAsync(user, cancellationToken))?.Nickname ?? "";

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private static ChatRequestException NotFound(ulong user) => new(ErrorCode.NotFound, $"user {user} does not exist");

    private Profile ToProto(ProfileRecord record)
    {
        var profile = new Profile
        {
            UserId = record.UserId,
            Name = record.Name,
            Nickname = record.Nickname,
            AvatarUrl = record.AvatarUrl,
            StatusText = record.StatusText,
            UpdatedAtMs = record.UpdatedAtMs,
            HomeCell = self.Id,
        };
        profile.Details.Add(record.Details.ToDictionary());
        return profile;
    }

    private static PendingFriendRequest ToProto(FriendRequestRecord record) =>
        new() { User = record.Other, Nickname = record.Nickname, Message = record.Message, CreatedAtMs = record.CreatedAtMs };

    [LoggerMessage(1, LogLevel.Information, "{User} and {Friend} are friends now")]
    private static partial void FriendsNow(ILogger logger, ulong user, ulong friend);

    [LoggerMessage(2, LogLevel.Warning, "Profile invalidation of {User} to cell {Cell} lost: {Detail}")]
    private static partial void InvalidationLost(ILogger logger, ulong user, string cell, string detail);
}
