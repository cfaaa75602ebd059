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

    // Cells refresh visitors every 2 s and the home cell drops a location after 3 x 2 s without one
    // (checked every second): a dead serving cell's locations are gone after about 7 s.
    private static readonly TimeSpan StaleLocationBound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan OfflineBound = TimeSpan.FromSeconds(20);
    private const string Password = "correct horse";

    [Fact]
    public async Task RoamingUser_ReceivesAndSendsThroughVisitedCell()
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        await cluster.RunAsync(output, async () =>
        {
            var alice = await cluster.RegisterAsync("alice", Password, "a", ct);
            var bob = await cluster.RegisterAsync("bob", Password, "b", ct);
            var carol = await cluster.RegisterAsync("carol", Password, "c", ct);

            await using var bobRoaming = await ImClient.ConnectAsync(cluster.RoamingOptions(bob, Password, "roam", "a"), ct);
            Assert.Equal("a", bobRoaming.CellId);
            await using var aliceClient = await ImClient.ConnectAsync(cluster.Options(alice, Password), ct);
            await using var carolClient = await ImClient.ConnectAsync(cluster.Options(carol, Password), ct);
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
            await using var bobHome = await ImClient.ConnectAsync(cluster.Options(bob, Password, "home"), ct);
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
        }, ct);
    }

    [Fact]
    public async Task Where_ShowsRoamingDevice_AndVlrHoldsVisitorOnlyWhileAttached()
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        await cluster.RunAsync(output, async () =>
        {
            var bob = await cluster.RegisterAsync("bob", Password, "b", ct);
            using var api = new LoginApi(cluster.LoginUrl);

            var nowhere = await api.WhereAsync(bob, ct);
            Assert.Equal("b", nowhere.HomeCell);
            Assert.Empty(nowhere.Devices);

            // The login server's answer names home b and serving a, and hands out a's chat server.
            var login = await api.LoginAsync(bob, Password, "probe", "a", null, ct);
            Assert.Equal("b", login.HomeCell);
            Assert.Equal("a", login.CellId);
            Assert.Equal(new[] { cluster.ChatEndpoint("a") }, login.ChatEndpoints);

            var roaming = await ImClient.ConnectAsync(cluster.RoamingOptions(bob, Password, "roam", "a"), ct);
            uint vlrWhileAttached;
            try
            {
                Assert.Equal("a", roaming.CellId);
                var where = await api.WhereAsync(bob, ct);
                output.WriteLine($"where {bob} while attached at a: {where}");
                Assert.Equal(bob, where.UserId);
                Assert.Equal("b", where.HomeCell);
                var device = Assert.Single(where.Devices);
                Assert.Equal("roam", device.DeviceId);
                Assert.Equal("a", device.ServingCell);
                Assert.Equal(cluster.ChatEndpoint("a"), device.ChatEndpoint);
                Assert.True(device.SinceMs > 0, $"no attach time in {device}");

                var atA = await cluster.CellStatusAsync("a", ct);
                var atB = await cluster.CellStatusAsync("b", ct);
                output.WriteLine($"cell a while bob is attached: visitors [{string.Join(", ", atA.Visitors)}], "
                                 + $"vlr_entries {atA.VlrEntries}, home_users_here {atA.HomeUsersHere}");
                Assert.Contains(bob, atA.Visitors);
                Assert.True(atA.VlrEntries >= 1, $"cell a's VLR is empty while bob is attached there: {atA}");
                vlrWhileAttached = atA.VlrEntries;
                Assert.DoesNotContain(bob, atB.Visitors);

                var loginStatus = await cluster.StatusAsync(ct);
                var cellA = Assert.Single(loginStatus.Cells, c => c.Id == "a");
                Assert.True(cellA.VisitorsHere >= 1, $"the login server's status shows no visitor at cell a: {cellA}");
            }
            finally
            {
                await roaming.DisposeAsync();
            }

            // Detached: a drops the visitor, b cancels the location.
            WhereReply? lastWhere = null;
            ImCells.Protos.Cell.StatusReply? lastStatus = null;
            var gone = await Wait.UntilAsync(async () =>
            {
                lastStatus = await cluster.CellStatusAsync("a", ct);
                lastWhere = await api.WhereAsync(bob, ct);
                return !lastStatus.Visitors.Contains(bob) && lastWhere.Devices.Count == 0;
            }, DetachBound, ct);
            Assert.True(gone,
                $"{DetachBound.TotalSeconds:0} s after bob's roaming client closed: cell a visitors [{string.Join(", ", lastStatus?.Visitors ?? [])}], "
                + $"where {lastWhere}");
            output.WriteLine($"after detach: cell a visitors [{string.Join(", ", lastStatus!.Visitors)}], vlr_entries {lastStatus.VlrEntries}; where {lastWhere}");

            // vlr_entries is only a count (the VLR also caches other cells' users a looked up), but
            // nothing else happens at a meanwhile: dropping bob's record must show.
            var afterDetach = await cluster.CellStatusAsync("a", ct);
            Assert.True(afterDetach.VlrEntries < vlrWhileAttached,
                $"cell a's VLR held {vlrWhileAttached} entries while bob was attached and {afterDetach.VlrEntries} after he detached");

            // It was the detach that cleared it at home (not the expiry of an unrefreshed location).
            var cancelled = $"Location cancelled: user {bob} device roam at cell a: detached";
            Assert.True(await Wait.UntilAsync(() => cluster.Logs().Contains(cancelled, StringComparison.Ordinal), DetachBound, ct),
                $"cell b never logged '{cancelled}'; its roaming lines: "
                + string.Join(" | ", cluster.LogLines("cell b").Where(l => l.Contains(bob.ToString(), StringComparison.Ordinal))));
        }, ct);
    }

    [Fact]
    public async Task VisitedCellKilled_HomeClearsLocation_MessagesWaitForNextSync()
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        try
        {
            await cluster.RunAsync(output, async () =>
            {
                var bob = await cluster.RegisterAsync("bob", Password, "b", ct);
                var carol = await cluster.RegisterAsync("carol", Password, "b", ct);
                using var api = new LoginApi(cluster.LoginUrl);

                // No reconnects: the roaming device must not come back when cell a does.
                await using var roaming = await ImClient.ConnectAsync(
                    cluster.RoamingOptions(bob, Password, "roam", "a", autoReconnect: false), ct);
                Assert.Equal("a", roaming.CellId);
                var attached = await api.WhereAsync(bob, ct);
                Assert.Contains(attached.Devices, d => d.ServingCell == "a" && d.DeviceId == "roam");
                await using var carolClient = await ImClient.ConnectAsync(cluster.Options(carol, Password), ct);

                var killed = Stopwatch.StartNew();
                await cluster.KillCellAsync("a");

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
                    lastWhere = await api.WhereAsync(bob, ct);
                    return lastWhere.Devices.All(d => d.ServingCell != "a");
                }, StaleLocationBound, ct);
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
                await using var bobHome = await ImClient.ConnectAsync(cluster.Options(bob, Password, "home"), ct);
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

                var expired = $"Location cancelled: user {bob} device roam at cell a: its serving cell stopped refreshing it";
                Assert.True(cluster.Logs().Contains(expired, StringComparison.Ordinal),
                    $"cell b never logged '{expired}'; its lines about bob: "
                    + string.Join(" | ", cluster.LogLines("cell b").Where(l => l.Contains(bob.ToString(), StringComparison.Ordinal))));
            }, ct);
        }
        finally
        {
            // Never leave cell a dead for the next test, whatever happened here.
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await cluster.EnsureRunningAsync(restore.Token);
        }
    }

    [Fact]
    public async Task RoamingUsersFriends_SeeNoDifference()
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        await cluster.RunAsync(output, async () =>
        {
            var alice = await cluster.RegisterAsync("alice", Password, "a", ct);
            var bob = await cluster.RegisterAsync("bob", Password, "b", ct);
            var carol = await cluster.RegisterAsync("carol", Password, "c", ct);
            await using var carolClient = await ImClient.ConnectAsync(cluster.Options(carol, Password), ct);
            var aliceClient = await ImClient.ConnectAsync(cluster.Options(alice, Password), ct);
            try
            {
                await using (var bobHome = await ImClient.ConnectAsync(cluster.Options(bob, Password, "home"), ct))
                {
                    await Social.MakeFriendsAsync(aliceClient, bobHome, ct);
                    await Social.MakeFriendsAsync(carolClient, bobHome, ct);
                }

                await Social.PresenceAsync(aliceClient, bob, Presence.Offline, OfflineBound, ct);
                await Social.PresenceAsync(carolClient, bob, Presence.Offline, OfflineBound, ct);

                // bob attaches at a (alice's own cell, not his home): friends in a and c see him online.
                await using (var bobRoaming = await ImClient.ConnectAsync(cluster.RoamingOptions(bob, Password, "roam", "a"), ct))
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
                    aliceClient = await ImClient.ConnectAsync(cluster.Options(alice, Password), ct);
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
            }
            finally
            {
                await aliceClient.DisposeAsync();
            }
        }, ct);
    }
}

/// <summary>Roaming helpers for the cluster fixture.</summary>
internal static class RoamingFixtureExtensions
{
    /// <summary>Client options that attach to <paramref name="preferCell"/> instead of the user's home cell.</summary>
    public static ImClientOptions RoamingOptions(
        this ClusterFixture cluster, ulong user, string password, string device, string preferCell, bool autoReconnect = true) => new()
    {
        LoginUrl = cluster.LoginUrl,
        UserId = user,
        Password = password,
        DeviceId = device,
        PreferCell = preferCell,
        AutoReconnect = autoReconnect,
    };

    /// <summary>The captured log lines of one process (e.g. "cell b").</summary>
    public static IEnumerable<string> LogLines(this ClusterFixture cluster, string process) =>
        cluster.Logs().Split('\n').Where(l => l.StartsWith($"[{process}]", StringComparison.Ordinal)).Select(l => l.TrimEnd());
}
