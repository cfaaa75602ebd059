using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;
using EventKind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Cluster.Tests;

/// <summary>
/// DESIGN.md §6, groups: a group homed in cell c with members in a, b and c (one of b's roaming at
/// a). Online members' devices get every entry once in seq order, offline members at their next
/// sync; membership spans bound what a member sees; sends by non-members are refused.
/// </summary>
[Collection("cluster")]
public sealed class GroupTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task GroupInC_ReachesOnlineMembersEverywhere_OfflineAtSync_OnceInOrder()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (carol, carolClient) = await users.ConnectAsync("carol@c");
            var (alice, aliceClient) = await users.ConnectAsync("alice@a");
            var bob = await users.RegisterAsync("bob@b");
            var bobRoaming = await users.ConnectAsync(users.Options(bob, "roam", preferCell: "a"));
            Assert.Equal("a", bobRoaming.CellId);
            var (dave, daveClient) = await users.ConnectAsync("dave@c");
            var erin = await users.RegisterAsync("erin@b");

            var info = await carolClient.CreateGroupAsync("project", [alice, bob, dave, erin], ct: ct);
            output.WriteLine($"group {info.Group} homed in {info.HomeCell}, {info.MemberCount} members");
            Assert.Equal("c", info.HomeCell);
            Assert.InRange(info.Group, 92_000_000UL, 92_999_999UL);
            Assert.Equal(5U, info.MemberCount);

            var acks = new List<GroupSendAck>();
            for (var i = 0; i < 3; i++)
            {
                acks.Add(await carolClient.SendGroupAsync(info.Group, $"carol {i}", ct: ct));
                acks.Add(await aliceClient.SendGroupAsync(info.Group, $"alice {i} @{erin}", ct: ct));
            }

            var last = acks[^1].Seq;
            Assert.Equal(Enumerable.Range(2, 6).Select(i => (ulong)i), acks.Select(a => a.Seq));
            foreach (var (name, client) in new[] { ("carol", carolClient), ("alice", aliceClient), ("bob (roaming at a)", bobRoaming), ("dave", daveClient) })
            {
                var live = await GroupLive.UntilSeqAsync(client, info.Group, last, ct);
                output.WriteLine($"{name} got live: {string.Join(",", live.Select(e => e.Seq))}");
                Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (ulong)i), live.Select(e => e.Seq));
                Assert.Equal(EventKind.Created, live[0].Event.Kind);
                Assert.Equal(acks.Select(a => a.MessageId), live.Skip(1).Select(e => e.Id));
                Assert.Empty(await GroupLive.DrainAsync(client, info.Group, TimeSpan.FromMilliseconds(300), ct));
            }

            // erin was offline: everything at her first sync, and the list counts it unread (mentions apart).
            var erinClient = await users.ConnectAsync(users.Options(erin));
            var synced = await GroupLive.SyncAsync(erinClient, info.Group, ct);
            Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (ulong)i), synced.Select(e => e.Seq));
            var erinGroups = await erinClient.GroupListAsync(ct);
            var erinView = Assert.Single(erinGroups.Groups);
            output.WriteLine($"erin's list: unread {erinView.Unread}, mentions {erinView.Mentions}, total unread {erinGroups.TotalUnread}");
            Assert.Equal((last, last, 3UL, "project"), (erinView.HeadSeq, erinView.Unread, erinView.Mentions, erinView.Name));
            Assert.Equal(last, erinGroups.TotalUnread);
            var read = await erinClient.MarkGroupReadAsync(info.Group, last, ct);
            Assert.Equal((0UL, 0UL, 0UL), (read.Unread, read.Mentions, read.TotalUnread));

            // frank joins later: his span starts at the event that added him.
            var frank = await users.RegisterAsync("frank@a");
            var added = await carolClient.AddGroupMembersAsync(info.Group, [frank], ct);
            var frankClient = await users.ConnectAsync(users.Options(frank));
            var frankSees = await GroupLive.SyncAsync(frankClient, info.Group, ct);
            Assert.Equal([added.HeadSeq], frankSees.Select(e => e.Seq));
            Assert.Equal(EventKind.Added, frankSees[0].Event.Kind);

            // dave is removed: he hears of it, then nothing; he can no longer send.
            var removed = await carolClient.RemoveGroupMemberAsync(info.Group, dave, ct);
            var after = await carolClient.SendGroupAsync(info.Group, "after dave", ct: ct);
            var daveLive = await GroupLive.UntilSeqAsync(daveClient, info.Group, removed.HeadSeq, ct);
            Assert.Equal(EventKind.Removed, daveLive.Last().Event.Kind);
            Assert.Empty(await GroupLive.DrainAsync(daveClient, info.Group, TimeSpan.FromSeconds(1), ct));
            var daveSync = await GroupLive.SyncAsync(daveClient, info.Group, ct);
            Assert.Equal(removed.HeadSeq, daveSync.Last().Seq);
            Assert.DoesNotContain(daveSync, e => e.Seq == after.Seq);
            var daveSend = await Assert.ThrowsAsync<ImClientException>(() => daveClient.SendGroupAsync(info.Group, "still here?", ct: ct));
            Assert.Equal(ErrorCode.Forbidden, daveSend.Code);
            var daveList = Assert.Single((await daveClient.GroupListAsync(ct)).Groups);
            Assert.Equal((GroupRole.None, removed.HeadSeq), (daveList.Role, daveList.LeftSeq));

            // A stranger cannot send, read, nor be added by someone it blocked.
            var (grace, graceClient) = await users.ConnectAsync("grace@b");
            Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<ImClientException>(() => graceClient.SendGroupAsync(info.Group, "hi", ct: ct))).Code);
            Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<ImClientException>(() => graceClient.GroupSyncAsync(info.Group, 0, ct))).Code);
            await graceClient.BlockAsync(carol, true, ct);
            Assert.Equal(ErrorCode.Blocked, (await Assert.ThrowsAsync<ImClientException>(() => carolClient.AddGroupMembersAsync(info.Group, [grace], ct))).Code);
            Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<ImClientException>(() => carolClient.SendGroupAsync(92_999_999, "nobody", ct: ct))).Code);

            // The home cells keep each member's list: bob's (homed in b) shows the group.
            var bobList = Assert.Single((await bobRoaming.GroupListAsync(ct)).Groups);
            Assert.Equal(("project", GroupRole.Member), (bobList.Name, bobList.Role));
        });
    }
}
