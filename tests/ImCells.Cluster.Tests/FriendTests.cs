using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;
using Kind = ImCells.Protos.Client.FriendEvent.Types.Kind;

namespace ImCells.Cluster.Tests;

/// <summary>Issue 5: friend requests crossing cells land in the other user's HLR; both sides stay consistent.</summary>
[Collection("cluster")]
public sealed class FriendTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task CrossCellFriendRequest_AcceptedOnBothSides()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((bob, bobClient), (alice, aliceClient), (carol, carolClient)) = await users.ConnectAsync("bob@b", "alice@a", "carol@c");
            await aliceClient.SetProfileAsync(new Profile { Nickname = "ally" }, ct);
            await bobClient.SetProfileAsync(new Profile { Nickname = "bobby" }, ct);

            // alice (a) asks bob (b): the request lands in b, bob is told at once.
            const string note = "hi bob, alice from eu here";
            var ok = await aliceClient.RequestFriendAsync(bob, note, ct);
            Assert.Equal(bob, ok.User);
            var request = await Social.FriendEventAsync(bobClient, Kind.Request, alice, ct);
            Assert.Equal(note, request.Message);
            Assert.Equal("ally", request.Nickname);

            var bobList = await bobClient.FriendListAsync(ct);
            output.WriteLine($"bob's list with the request pending: {bobList}");
            var incoming = Assert.Single(bobList.Incoming);
            Assert.Equal(alice, incoming.User);
            Assert.Equal(note, incoming.Message);
            Assert.Equal("ally", incoming.Nickname);
            Assert.Empty(bobList.Friends);
            Assert.Empty(bobList.Outgoing);

            var aliceList = await aliceClient.FriendListAsync(ct);
            output.WriteLine($"alice's list with the request pending: {aliceList}");
            Assert.Equal(bob, Assert.Single(aliceList.Outgoing).User);
            Assert.Empty(aliceList.Friends);
            Assert.Empty(aliceList.Incoming);

            // bob accepts: alice is told; both lists hold the friendship and no pending request.
            await bobClient.RespondFriendAsync(alice, accept: true, ct);
            await Social.FriendEventAsync(aliceClient, Kind.Accepted, bob, ct);

            bobList = await bobClient.FriendListAsync(ct);
            aliceList = await aliceClient.FriendListAsync(ct);
            output.WriteLine($"bob's list after accepting: {bobList}");
            output.WriteLine($"alice's list after the acceptance: {aliceList}");
            var aliceAtBob = Assert.Single(bobList.Friends);
            Assert.Equal(alice, aliceAtBob.User);
            Assert.Equal("ally", aliceAtBob.Nickname);
            Assert.Equal(Presence.Online, aliceAtBob.Presence);
            Assert.Empty(bobList.Incoming);
            Assert.Empty(bobList.Outgoing);
            var bobAtAlice = Assert.Single(aliceList.Friends);
            Assert.Equal(bob, bobAtAlice.User);
            Assert.Equal("bobby", bobAtAlice.Nickname);
            Assert.Equal(Presence.Online, bobAtAlice.Presence);
            Assert.Empty(aliceList.Incoming);
            Assert.Empty(aliceList.Outgoing);

            // Friends already: another request, from either side, is a conflict.
            var again = await Assert.ThrowsAsync<ImClientException>(() => aliceClient.RequestFriendAsync(bob, "again?", ct));
            Assert.Equal(ErrorCode.Conflict, again.Code);
            var back = await Assert.ThrowsAsync<ImClientException>(() => bobClient.RequestFriendAsync(alice, "and back?", ct));
            Assert.Equal(ErrorCode.Conflict, back.Code);
            output.WriteLine($"second requests: {again.Code} '{again.Message}' / {back.Code} '{back.Message}'");

            // carol (c) asks bob, bob declines: carol is told, nothing is left on either side.
            await carolClient.RequestFriendAsync(bob, "carol from ap", ct);
            await Social.FriendEventAsync(bobClient, Kind.Request, carol, ct);
            Assert.Contains((await bobClient.FriendListAsync(ct)).Incoming, r => r.User == carol);
            await bobClient.RespondFriendAsync(carol, accept: false, ct);
            await Social.FriendEventAsync(carolClient, Kind.Declined, bob, ct);

            var carolList = await carolClient.FriendListAsync(ct);
            output.WriteLine($"carol's list after the decline: {carolList}");
            Assert.Empty(carolList.Friends);
            Assert.Empty(carolList.Outgoing);
            Assert.Empty(carolList.Incoming);
            bobList = await bobClient.FriendListAsync(ct);
            Assert.Empty(bobList.Incoming);
            Assert.Equal(alice, Assert.Single(bobList.Friends).User);

            // A declined request is gone: it cannot be accepted afterwards.
            var late = await Assert.ThrowsAsync<ImClientException>(() => bobClient.RespondFriendAsync(carol, accept: true, ct));
            Assert.Equal(ErrorCode.NotFound, late.Code);
        });
    }
}
