using Dapper;
using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Cell.Social;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using ImCells.Unit.Tests.Hlr;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Social;

/// <summary>
/// One user's lists are capped (real SQLite): over a cap the request is refused with CONFLICT and
/// nothing is stored; below it, and for what is already there, everything works as before.
/// </summary>
public sealed class SocialCapsTests
{
    [Theory]
    [HlrProviders]
    public async Task Blocking_AtTheCap_IsRefused_ButBlockingAgainAndUnblockingWork(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var me = await hlr.AddUserAsync("me");
        var store = new SocialStore(hlr.Database);
        await FillAsync(hlr, "INSERT INTO blacklist (user_id, blocked_id, since_ms) VALUES (@user, @other, 1)", me, SocialCaps.Blocked);
        var service = StoreOnlySocialService.Create(store);

        var refused = await Assert.ThrowsAsync<ChatRequestException>(() =>
            service.BlockAsync(me, new BlockRequest { User = 50_000_000, Block = true }, CancellationToken.None));

        Assert.Equal(ErrorCode.Conflict, refused.Code);
        Assert.Contains($"you have blocked {SocialCaps.Blocked} users", refused.Message, StringComparison.Ordinal);
        Assert.False(await store.IsBlockedAsync(me, 50_000_000, CancellationToken.None));
        Assert.Equal(SocialCaps.Blocked, (await store.CountsAsync(me, CancellationToken.None)).Blocked);
    }

    [Theory]
    [HlrProviders]
    public async Task FriendRequest_WhenTheAskerHasTooManyWaiting_IsRefusedBeforeAnyCellIsAsked(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var me = await hlr.AddUserAsync("me");
        await FillAsync(hlr, "INSERT INTO friend_requests (user_id, other_id, direction, nickname, message, created_at_ms) VALUES (@user, @other, 'out', '', '', 1)",
            me, SocialCaps.OutgoingRequests);
        var service = StoreOnlySocialService.Create(new SocialStore(hlr.Database));

        var refused = await Assert.ThrowsAsync<ChatRequestException>(() =>
            service.RequestAsync(me, new FriendRequest { To = 50_000_000 }, CancellationToken.None));

        Assert.Equal(ErrorCode.Conflict, refused.Code);
        Assert.Contains($"you have {SocialCaps.OutgoingRequests} friend requests waiting", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [HlrProviders]
    public async Task FriendRequest_ToAUserWithTooManyWaiting_IsRefusedAtItsHome_AndNotStored(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var asked = await hlr.AddUserAsync("asked");
        var store = new SocialStore(hlr.Database);
        await FillAsync(hlr, "INSERT INTO friend_requests (user_id, other_id, direction, nickname, message, created_at_ms) VALUES (@user, @other, 'in', '', '', 1)",
            asked, SocialCaps.IncomingRequests);
        var service = StoreOnlySocialService.Create(store);

        var reply = await service.ApplyUpdateAsync(new FriendUpdateRequest
        {
            Kind = FriendUpdateRequest.Types.Kind.Request,
            From = 50_000_000,
            To = asked,
        }, CancellationToken.None);

        Assert.Equal(FriendUpdateReply.Types.Result.Conflict, reply.Result);
        Assert.Equal($"user {asked} has {SocialCaps.IncomingRequests} friend requests waiting for an answer; try again later", reply.Message);
        Assert.Null(await store.FindRequestAsync(asked, 50_000_000, FriendDirection.Incoming, CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task Accepting_WithAFullFriendList_IsRefused_AndTheRequestStays(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var me = await hlr.AddUserAsync("me");
        var store = new SocialStore(hlr.Database);
        await FillAsync(hlr, "INSERT INTO friends (user_id, friend_id, nickname, since_ms) VALUES (@user, @other, '', 1)", me, SocialCaps.Friends);
        await store.AddRequestAsync(me, 60_000_000, FriendDirection.Incoming, "", "hi", 1, CancellationToken.None);
        var service = StoreOnlySocialService.Create(store);

        var refused = await Assert.ThrowsAsync<ChatRequestException>(() =>
            service.RespondAsync(me, new FriendRespondRequest { From = 60_000_000, Accept = true }, CancellationToken.None));

        Assert.Equal(ErrorCode.Conflict, refused.Code);
        Assert.NotNull(await store.FindRequestAsync(me, 60_000_000, FriendDirection.Incoming, CancellationToken.None));
    }

    /// <summary><paramref name="count"/> rows for <paramref name="user"/>, other numbers from 40 000 000, in one transaction.</summary>
    private static Task FillAsync(TempHlr hlr, string insert, ulong user, int count) =>
        hlr.Database.WriteAsync((connection, transaction) => connection.ExecuteAsync(insert,
            Enumerable.Range(0, count).Select(i => new { user = (long)user, other = 40_000_000L + i }), transaction), null, CancellationToken.None);
}
