using System.Diagnostics;
using ImCells.Client;
using ImCells.Protos.Client;
using ImCells.Protos.Login;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 6: roaming. A user homed in cell b attaches to cell a (ImClientOptions.PreferCell): its
/// mailbox, seqs and friends stay in b's HLR, b records the location, a keeps a visitor record,
/// and everything for the user is stored at home and pushed through a. Detach or the death of
/// cell a cancels the location at home.
/// </summary>
[Collection("cluster")]
public sealed class RoamingTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    // A detach cancels the location at once; the bound leaves room for slow machines.
    private static readonly TimeSpan DetachBound = TimeSpan.FromSeconds(15);

    // The soonest the home cell could expire a location instead: the serving cell refreshed it at
    // most one refresh interval (2 s, the heartbeat) before the device left, and a location lives
    // three intervals (6 s) without a refresh.
    private static readonly TimeSpan ExpiryFloor = TimeSpan.FromSeconds(4);

    // Cells refresh visitors every 2 s and the home cell drops a location after 3 x 2 s without one
    // (checked every second): a dead serving cell's locations are gone after about 7 s.
    private static readonly TimeSpan StaleLocationBound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan OfflineBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RoamingUser_ReceivesAndSendsThroughVisitedCell()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var bob = await users.RegisterAsync("bob@b");
            var bobRoaming = await users.ConnectAsync(users.Options(bob, "roam", preferCell: "a"));
            Assert.Equal("a", bobRoaming.CellId);
            var ((alice, aliceClient), (carol, carolClient)) = await users.ConnectAsync("alice@a", "carol@c");
            Assert.Equal("c", carolClient.CellId);

            // bob's mailbox head before anything happens, read through cell a (executed at home).
            var before = await Wait.SyncAllAsync(bobRoaming, ct);
            var head = before.Count == 0 ? 0UL : before[^1].Seq;
            output.WriteLine($"bob ({bob}, home b, attached at a): mailbox head {head}");

            // alice (a) -> bob: stored in b's HLR with bob's next seq, pushed from b to a to bob.
            var toBob = await aliceClient.SendAsync(bob, "hello roaming bob", ct: ct);
            var received = Assert.Single(await Receive.ExactlyAsync(bobRoaming.Messages, alice, 1, Delivery, ct));
            Assert.Equal(toBob.MessageId, received.Id);
            Assert.Equal("hello roaming bob", received.Text);
            Assert.Equal(bob, received.To);
            Assert.Equal(head + 1, received.Seq);

            var synced = await bobRoaming.SyncAsync(head, ct: ct);
            var syncedMessage = Assert.Single(synced.Messages, m => m.Id == toBob.MessageId);
            Assert.Equal(head + 1, syncedMessage.Seq);

            // bob (roaming) -> carol (c): stored at bob's home with bob's next seq, carol receives it.
            var toCarol = await bobRoaming.SendAsync(carol, "from bob, roaming at a", ct: ct);
            Assert.Equal(head + 2, toCarol.Seq);
            var atCarol = Assert.Single(await Receive.ExactlyAsync(carolClient.Messages, bob, 1, Delivery, ct));
            Assert.Equal(toCarol.MessageId, atCarol.Id);
            Assert.Equal("from bob, roaming at a", atCarol.Text);
            Assert.Equal(carol, atCarol.To);

            // A second device of bob's, attached at home b, reads the same mailbox: same messages, same seqs.
            var bobHome = await users.ConnectAsync(users.Options(bob, "home"));
            Assert.Equal("b", bobHome.CellId);
            var atHome = await Wait.SyncAllAsync(bobHome, ct);
            output.WriteLine("bob's mailbox read at home: " + string.Join(", ", atHome.Select(m => $"#{m.Seq} {m.From}->{m.To} '{m.Text}'")));
            Wait.AssertDense(atHome);
            var aliceAtHome = Assert.Single(atHome, m => m.Id == toBob.MessageId);
            Assert.Equal(head + 1, aliceAtHome.Seq);
            Assert.Equal(alice, aliceAtHome.From);
            var ownCopy = Assert.Single(atHome, m => m.Id == toCarol.MessageId);
            Assert.Equal(head + 2, ownCopy.Seq);
            Assert.Equal(bob, ownCopy.From);
            Assert.Equal(carol, ownCopy.To);
            Assert.Equal(head + 2, atHome[^1].Seq);

            // And the roaming device's view of the mailbox is the very same.
            var atVisited = await Wait.SyncAllAsync(bobRoaming, ct);
            Assert.Equal(atHome.Select(m => (m.Id, m.Seq)), atVisited.Select(m => (m.Id, m.Seq)));
        });
    }

    [Fact]
    public async Task Where_ShowsRoamingDevice_AndVlrHoldsVisitorOnlyWhileAttached()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var bob = await users.RegisterAsync("bob@b");
            using var api = new LoginApi(cluster.Layout.LoginUrl);

            var nowhere = await cluster.Api.WhereAsync(bob, ct);
            Assert.Equal("b", nowhere.HomeCell);
            Assert.Empty(nowhere.Devices);

            // The login server's answer names home b and serving a, and hands out a's chat server.
            var login = await api.LoginAsync(bob, TestUsers.Password, "probe", "a", null, ct);
            Assert.Equal("b", login.HomeCell);
            Assert.Equal("a", login.CellId);
            Assert.Equal(new[] { cluster.Layout.ChatEndpoint("a") }, login.ChatEndpoints);

            var roaming = await users.ConnectAsync(users.Options(bob, "roam", preferCell: "a"));
            var sinceClose = new Stopwatch();
            uint vlrWhileAttached;
            try
            {
                Assert.Equal("a", roaming.CellId);
                var where = await cluster.Api.WhereAsync(bob, ct);
                output.WriteLine($"where {bob} while attached at a: {where}");
                Assert.Equal(bob, where.UserId);
                Assert.Equal("b", where.HomeCell);
                var device = Assert.Single(where.Devices);
                Assert.Equal("roam", device.DeviceId);
                Assert.Equal("a", device.ServingCell);
                Assert.Equal(cluster.Layout.ChatEndpoint("a"), device.ChatEndpoint);
                Assert.True(device.SinceMs > 0, $"no attach time in {device}");

                var atA = await cluster.Api.CellStatusAsync("a", ct);
                var atB = await cluster.Api.CellStatusAsync("b", ct);
                output.WriteLine($"cell a while bob is attached: visitors [{string.Join(", ", atA.Visitors)}], "
                                 + $"vlr_entries {atA.VlrEntries}, home_users_here {atA.HomeUsersHere}");
                Assert.Contains(bob, atA.Visitors);
                Assert.True(atA.VlrEntries >= 1, $"cell a's VLR is empty while bob is attached there: {atA}");
                vlrWhileAttached = atA.VlrEntries;
                Assert.DoesNotContain(bob, atB.Visitors);
            }
            finally
            {
                sinceClose.Restart();
                await roaming.DisposeAsync();
            }

            // Detached: a drops the visitor, b cancels the location.
            WhereReply? lastWhere = null;
            CellStatusReply? lastStatus = null;
            TimeSpan? clearedAtHome = null;
            var gone = await Wait.UntilAsync(async () =>
            {
                lastWhere = await cluster.Api.WhereAsync(bob, ct);
                clearedAtHome ??= lastWhere.Devices.Count == 0 ? sinceClose.Elapsed : null;
                lastStatus = await cluster.Api.CellStatusAsync("a", ct);
                return !lastStatus.Visitors.Contains(bob) && lastWhere.Devices.Count == 0;
            }, DetachBound, ct);
            Assert.True(gone,
                $"{DetachBound.TotalSeconds:0} s after bob's roaming client closed: cell a visitors [{string.Join(", ", lastStatus?.Visitors ?? [])}], "
                + $"where {lastWhere}");
            output.WriteLine($"after detach: cell a visitors [{string.Join(", ", lastStatus!.Visitors)}], vlr_entries {lastStatus.VlrEntries}; where {lastWhere}");

            // vlr_entries is only a count (the VLR also caches other cells' users a looked up), but
            // nothing else happens at a meanwhile: dropping bob's record must show.
            var afterDetach = await cluster.Api.CellStatusAsync("a", ct);
            Assert.True(afterDetach.VlrEntries < vlrWhileAttached,
                $"cell a's VLR held {vlrWhileAttached} entries while bob was attached and {afterDetach.VlrEntries} after he detached");

            // It was the detach that cleared it at home, not the expiry of an unrefreshed location:
            // home forgot the device sooner than an expiry could have.
            output.WriteLine($"home cell b forgot bob's roaming device {clearedAtHome!.Value.TotalSeconds:0.00} s after it closed");
            Assert.True(clearedAtHome < ExpiryFloor,
                $"home cell b forgot bob's roaming device {clearedAtHome.Value.TotalSeconds:0.0} s after it closed, "
                + $"late enough to be the expiry ({ExpiryFloor.TotalSeconds:0} s at the soonest) rather than the detach");
        });
    }

    [Fact]
    public async Task VisitedCellKilled_HomeClearsLocation_MessagesWaitForNextSync()
    {
        try
        {
            await cluster.RunAsync(output, TestBound, async (users, ct) =>
            {
                var bob = await users.RegisterAsync("bob@b");

                // No reconnects: the roaming device must not come back when cell a does.
                var roaming = await users.ConnectAsync(users.Options(bob, "roam", preferCell: "a", autoReconnect: false));
                Assert.Equal("a", roaming.CellId);
                var attached = await cluster.Api.WhereAsync(bob, ct);
                Assert.Contains(attached.Devices, d => d.ServingCell == "a" && d.DeviceId == "roam");
                var (carol, carolClient) = await users.ConnectAsync("carol@b");

                var killed = Stopwatch.StartNew();
                await cluster.Servers.KillCellAsync("a");

                // Sent while b still holds the (now stale) location at a: stored, the push to a is lost.
                string[] texts = ["one", "two", "three", "four", "five"];
                var acks = new List<SendAck>();
                foreach (var text in texts[..2])
                {
                    acks.Add(await carolClient.SendAsync(bob, text, ct: ct));
                }

                WhereReply? lastWhere = null;
                var cleared = await Wait.UntilAsync(async () =>
                {
                    lastWhere = await cluster.Api.WhereAsync(bob, ct);
                    return lastWhere.Devices.All(d => d.ServingCell != "a");
                }, StaleLocationBound, ct);
                // Cell a was SIGKILLed and could not detach: only the expiry at home can have cleared it.
                Assert.True(cleared,
                    $"{StaleLocationBound.TotalSeconds:0} s after cell a was killed, b still locates bob there: {lastWhere}");
                output.WriteLine($"b cleared bob's location at a {killed.Elapsed.TotalSeconds:0.0} s after the kill "
                                 + $"(bound {StaleLocationBound.TotalSeconds:0} s): {lastWhere}");
                Assert.Empty(lastWhere!.Devices);

                // Sent after the location was cleared: bob is simply offline.
                foreach (var text in texts[2..])
                {
                    acks.Add(await carolClient.SendAsync(bob, text, ct: ct));
                }

                // bob at home: every message is in the mailbox, in order, seqs without gaps.
                var bobHome = await users.ConnectAsync(users.Options(bob, "home"));
                Assert.Equal("b", bobHome.CellId);
                var mailbox = await Wait.SyncAllAsync(bobHome, ct);
                output.WriteLine("bob's mailbox at home: " + string.Join(", ", mailbox.Select(m => $"#{m.Seq} {m.From} '{m.Text}'")));
                var fromCarol = mailbox.Where(m => m.From == carol).ToList();
                Assert.Equal(texts, fromCarol.Select(m => m.Text));
                Assert.Equal(acks.Select(a => a.MessageId), fromCarol.Select(m => m.Id));
                Wait.AssertDense(fromCarol);
                Wait.AssertDense(mailbox);

                // And the client's own stream surfaces the same five, once each.
                var streamed = await Receive.ExactlyAsync(bobHome.Messages, carol, texts.Length, Delivery, ct);
                Assert.Equal(texts, streamed.Select(m => m.Text));
                Assert.Equal(fromCarol.Select(m => m.Seq), streamed.Select(m => m.Seq));
            });
        }
        finally
        {
            // Never leave cell a dead for the next test, whatever happened here.
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await cluster.Servers.EnsureRunningAsync(restore.Token);
        }
    }

    [Fact]
    public async Task RoamingUsersFriends_SeeNoDifference()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var bob = await users.RegisterAsync("bob@b");
            var ((carol, carolClient), (alice, aliceClient)) = await users.ConnectAsync("carol@c", "alice@a");
            await using (var bobHome = await users.ConnectAsync(users.Options(bob, "home")))
            {
                await Social.MakeFriendsAsync(aliceClient, bobHome, ct);
                await Social.MakeFriendsAsync(carolClient, bobHome, ct);
            }

            await Social.PresenceAsync(aliceClient, bob, Presence.Offline, OfflineBound, ct);
            await Social.PresenceAsync(carolClient, bob, Presence.Offline, OfflineBound, ct);

            // bob attaches at a (alice's own cell, not his home): friends in a and c see him online.
            await using (var bobRoaming = await users.ConnectAsync(users.Options(bob, "roam", preferCell: "a")))
            {
                Assert.Equal("a", bobRoaming.CellId);
                await Task.WhenAll(
                    Social.PresenceAsync(aliceClient, bob, Presence.Online, Social.EventBound, ct),
                    Social.PresenceAsync(carolClient, bob, Presence.Online, Social.EventBound, ct));
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(aliceClient, bob, ct)).Presence);
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(carolClient, bob, ct)).Presence);

                // The roaming device gets its friends' presence from home too: the snapshot, then a change.
                var snapshotAlice = await Wait.ForOneAsync(bobRoaming.PresenceChanges, p => p.User == alice,
                    "alice in the snapshot of bob's roaming device", Social.EventBound, ct);
                Assert.Equal(Presence.Online, snapshotAlice.Presence);
                var friends = await bobRoaming.FriendListAsync(ct);
                Assert.Equal(new[] { alice, carol }, friends.Friends.Select(f => f.User).Order());

                await aliceClient.DisposeAsync();
                await Social.PresenceAsync(bobRoaming, alice, Presence.Offline, OfflineBound, ct);
                aliceClient = await users.ConnectAsync(users.Options(alice));
                await Social.PresenceAsync(bobRoaming, alice, Presence.Online, Social.EventBound, ct);

                // alice's new connection: her snapshot has bob online, as if he were at home.
                var snapshotBob = await Wait.ForOneAsync(aliceClient.PresenceChanges, p => p.User == bob,
                    "bob in the snapshot of alice's new connection", Social.EventBound, ct);
                Assert.Equal(Presence.Online, snapshotBob.Presence);
            }

            // bob's roaming device leaves: offline for both friends.
            var offline = await Task.WhenAll(
                Social.PresenceAsync(aliceClient, bob, Presence.Offline, OfflineBound, ct),
                Social.PresenceAsync(carolClient, bob, Presence.Offline, OfflineBound, ct));
            output.WriteLine($"bob offline for alice (last seen {offline[0].LastSeenMs}) and carol (last seen {offline[1].LastSeenMs})");
            Assert.Equal(Presence.Offline, (await Social.FriendEntryAsync(aliceClient, bob, ct)).Presence);
            Assert.Equal(Presence.Offline, (await Social.FriendEntryAsync(carolClient, bob, ct)).Presence);
        });
    }
}
