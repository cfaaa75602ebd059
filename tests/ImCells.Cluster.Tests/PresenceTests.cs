using System.Diagnostics;
using System.Globalization;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 5: presence crosses cells. Friends elsewhere see a user come online and go offline —
/// also when its process dies without a goodbye, when its connection goes silent, and when its
/// whole cell crashes — and one change reaches each other cell in one PresenceBatch call.
/// </summary>
[Collection("cluster")]
public sealed class PresenceTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);

    // Cells run with 2 s heartbeats: a silent device is closed after 3 x 2 s, a crashed cell's users
    // expire at other cells after 3 refresh intervals of 2 s. These bounds leave room for slow machines.
    private static readonly TimeSpan OfflineBound = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan CrashedCellBound = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan CliStartBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task FriendGoesOnlineAndOffline_SeenAcrossCells()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            var (bob, bobClient) = await users.ConnectAsync("bob@b/phone");
            await using (var aliceClient = await users.ConnectAsync(users.Options(alice)))
            {
                await Social.MakeFriendsAsync(aliceClient, bobClient, ct);
            }

            // alice's client said goodbye: offline for bob.
            await Social.PresenceAsync(bobClient, alice, Presence.Offline, OfflineBound, ct);

            // alice connects: bob (cell b) is told, and his list shows her online.
            await using (var aliceClient = await users.ConnectAsync(users.Options(alice)))
            {
                var online = await Social.PresenceAsync(bobClient, alice, Presence.Online, Social.EventBound, ct);
                output.WriteLine($"bob saw alice (client library) {online.Presence}, last seen {online.LastSeenMs}");
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(bobClient, alice, ct)).Presence);
                Assert.Equal(Presence.Online, bobClient.FriendPresence[alice].Presence);
            }

            await Social.PresenceAsync(bobClient, alice, Presence.Offline, OfflineBound, ct);

            // alice as a real process (imcells chat), killed without a goodbye.
            var cli = cluster.Cli.Start("cli alice", "chat", "--user", alice.ToString(CultureInfo.InvariantCulture),
                "--password", TestUsers.Password, "--login", cluster.Layout.LoginUrl, "--device", "cli");
            try
            {
                var online = await Social.PresenceAsync(bobClient, alice, Presence.Online, CliStartBound, ct);
                output.WriteLine($"bob saw alice (imcells chat, pid {cli.Pid}) {online.Presence}");
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(bobClient, alice, ct)).Presence);

                // A device of bob's connecting now gets alice's state in its PresenceSnapshot.
                await using (var bobTablet = await users.ConnectAsync(users.Options(bob, "tablet")))
                {
                    var item = await Wait.ForOneAsync(bobTablet.PresenceChanges, p => p.User == alice,
                        "alice in the snapshot of bob's tablet", Social.EventBound, ct);
                    Assert.Equal(Presence.Online, item.Presence);
                }

                var killed = Stopwatch.StartNew();
                await cluster.Cli.KillAsync(cli);
                Assert.True(cli.HasExited, $"imcells chat (pid {cli.Pid}) still runs after SIGKILL");
                var offline = await Social.PresenceAsync(bobClient, alice, Presence.Offline, OfflineBound, ct);
                output.WriteLine($"bob saw alice offline {killed.Elapsed.TotalSeconds:0.0} s after her process was killed "
                                 + $"(bound {OfflineBound.TotalSeconds:0} s), last seen {offline.LastSeenMs}");
                var entry = await Social.FriendEntryAsync(bobClient, alice, ct);
                Assert.Equal(Presence.Offline, entry.Presence);
                Assert.True(entry.LastSeenMs > 0, $"no last-seen time for alice in bob's list: {entry}");
            }
            finally
            {
                if (!cli.HasExited)
                {
                    await cluster.Cli.KillAsync(cli);
                }

                foreach (var line in cli.Output())
                {
                    output.WriteLine($"[cli alice] {line}");
                }
            }

            // bob connecting again: the snapshot says alice is offline.
            var bobLaptop = await users.ConnectAsync(users.Options(bob, "laptop"));
            var snapshot = await Wait.ForOneAsync(bobLaptop.PresenceChanges, p => p.User == alice,
                "alice in the snapshot of bob's laptop", Social.EventBound, ct);
            Assert.Equal(Presence.Offline, snapshot.Presence);
        });
    }

    /// <summary>
    /// The "pseudo-online" device: its TCP connection stays open but sends nothing (no heartbeat).
    /// After 3 missed heartbeats the cell closes it and friends elsewhere see the user offline.
    /// </summary>
    [Fact]
    public async Task SilentConnection_OfflineForFriendsAfterMissedHeartbeats()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            var (bob, bobClient) = await users.ConnectAsync("bob@b");
            await using (var aliceClient = await users.ConnectAsync(users.Options(alice)))
            {
                await Social.MakeFriendsAsync(aliceClient, bobClient, ct);
            }

            await Social.PresenceAsync(bobClient, alice, Presence.Offline, OfflineBound, ct);

            // By hand: log in, Auth on the chat port, then never a frame again (but keep reading).
            var (silentDevice, authOk) = await RawChatConnection.AuthenticateAsync(cluster.Layout.LoginUrl, alice, TestUsers.Password, "silent", ct);
            using var _ = silentDevice;
            output.WriteLine($"silent device authenticated; heartbeat {authOk.HeartbeatSeconds} s");
            var silent = Stopwatch.StartNew();
            var drain = silentDevice.DrainUntilClosedAsync(ct);

            await Social.PresenceAsync(bobClient, alice, Presence.Online, Social.EventBound, ct);
            var offline = await Social.PresenceAsync(bobClient, alice, Presence.Offline, OfflineBound, ct);
            output.WriteLine($"bob saw alice offline {silent.Elapsed.TotalSeconds:0.0} s after her device went silent");
            Assert.Equal(Presence.Offline, (await Social.FriendEntryAsync(bobClient, alice, ct)).Presence);

            // It was the cell that gave up on the connection: we never closed it.
            using var closedWait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            closedWait.CancelAfter(Social.EventBound);
            var closedByServer = await drain.WaitAsync(closedWait.Token);
            Assert.True(closedByServer, "the cell did not close the silent connection");
        });
    }

    [Fact]
    public async Task CrashedCell_ItsUsersGoOfflineForFriendsElsewhere()
    {
        try
        {
            await cluster.RunAsync(output, TestBound, async (users, ct) =>
            {
                var ((bob, bobClient), (alice, aliceClient)) = await users.ConnectAsync("bob@b", "alice@a");
                await Social.MakeFriendsAsync(aliceClient, bobClient, ct);
                await Social.PresenceAsync(bobClient, alice, Presence.Online, Social.EventBound, ct);
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(bobClient, alice, ct)).Presence);

                var killed = Stopwatch.StartNew();
                await cluster.Servers.KillCellAsync("a");
                var offline = await Social.PresenceAsync(bobClient, alice, Presence.Offline, CrashedCellBound, ct);
                output.WriteLine($"bob saw alice offline {killed.Elapsed.TotalSeconds:0.0} s after cell a was killed "
                                 + $"(bound {CrashedCellBound.TotalSeconds:0} s), last seen {offline.LastSeenMs}");
                Assert.Equal(Presence.Offline, (await Social.FriendEntryAsync(bobClient, alice, ct)).Presence);

                // Cell a back: alice's client reconnects and bob sees her online again.
                await cluster.Servers.StartCellAsync("a", ct);
                await Wait.ConnectedAsync(aliceClient, TimeSpan.FromSeconds(30), ct);
                await Social.PresenceAsync(bobClient, alice, Presence.Online, Social.EventBound, ct);
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(bobClient, alice, ct)).Presence);
            });
        }
        finally
        {
            // Never leave cell a dead for the next test, whatever happened here.
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await cluster.Servers.EnsureRunningAsync(restore.Token);
        }
    }

    /// <summary>
    /// DESIGN.md §8: a presence change of a user with friends in two other cells costs exactly one
    /// PresenceBatch call to each of them (counted by the sending cell, refreshes excluded).
    /// </summary>
    [Fact]
    public async Task PresenceChange_WithFriendsInTwoOtherCells_OneCallPerCell()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            var ((bob, bobClient), (carol, carolClient)) = await users.ConnectAsync("bob@b", "carol@c");
            await using (var aliceClient = await users.ConnectAsync(users.Options(alice)))
            {
                await Social.MakeFriendsAsync(bobClient, aliceClient, ct);
                await Social.MakeFriendsAsync(carolClient, aliceClient, ct);
            }

            await Social.PresenceAsync(bobClient, alice, Presence.Offline, OfflineBound, ct);
            await Social.PresenceAsync(carolClient, alice, Presence.Offline, OfflineBound, ct);

            var before = await SettledChangeCallsAsync(ct);
            await users.ConnectAsync(users.Options(alice));
            await Task.WhenAll(
                Social.PresenceAsync(bobClient, alice, Presence.Online, Social.EventBound, ct),
                Social.PresenceAsync(carolClient, alice, Presence.Online, Social.EventBound, ct));
            var after = (await cluster.Api.CellStatusAsync("a", ct)).PresenceChangeCalls;

            output.WriteLine($"cell a PresenceBatch calls for changes: to b {Calls(before, "b")} -> {Calls(after, "b")}, "
                             + $"to c {Calls(before, "c")} -> {Calls(after, "c")}");
            Assert.Equal(Calls(before, "b") + 1, Calls(after, "b"));
            Assert.Equal(Calls(before, "c") + 1, Calls(after, "c"));

            // And no second call trails behind.
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var later = (await cluster.Api.CellStatusAsync("a", ct)).PresenceChangeCalls;
            output.WriteLine($"1 s later: to b {Calls(later, "b")}, to c {Calls(later, "c")}");
            Assert.Equal(Calls(after, "b"), Calls(later, "b"));
            Assert.Equal(Calls(after, "c"), Calls(later, "c"));
        });
    }

    private static ulong Calls(IDictionary<string, ulong> calls, string cell) => CallCounts.Of(calls, cell);

    private Task<Dictionary<string, ulong>> SettledChangeCallsAsync(CancellationToken ct) =>
        CallCounts.SettledAsync(async () => (await cluster.Api.CellStatusAsync("a", ct)).PresenceChangeCalls, "cell a's presence change calls", ct);
}
