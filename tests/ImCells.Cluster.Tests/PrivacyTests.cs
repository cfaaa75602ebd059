using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using ImCells.Client;
using ImCells.ClusterHost;
using ImCells.Protos.Client;
using ImCells.Trust;
using Xunit.Abstractions;
using LoginProto = ImCells.Protos.Login;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 13, privacy against hostile clients: `where` answers only a signed-in user, and a user who
/// hides from the asker (a block, or friends only) answers exactly as a free number; a block hides
/// the blocker's presence from the blocked friend in the friends list, in the snapshot of a new
/// device and in live notifies, at once, in the same cell and across cells; a cell's figures and a
/// forced GC are for the operator's certificate only.
/// </summary>
[Collection("cluster")]
public sealed class PrivacyTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(150);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(60);

    // Cell b's last number: the tests register a few hundred users from the start of the range.
    private const ulong FreeNumberInB = 11_999_999;

    [Fact]
    public async Task Where_NeedsASignedInUser_AndAUserWhoHidesAnswersAsAFreeNumber()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var ((alice, aliceClient), (bob, bobClient), (carol, _)) = await users.ConnectAsync("alice@a", "bob@b", "carol@a");
            using var api = new LoginApi(cluster.Layout.LoginUrl);

            // No token, or something that is not a token: refused before any cell is asked.
            foreach (var token in new[] { "", "not-a-token", "eyJ4IjoxfQ.c2lnbmF0dXJl" })
            {
                var refused = await Assert.ThrowsAsync<ImClientException>(() => api.WhereAsync(bob, token, ct));
                output.WriteLine($"where {bob} with token '{token}': {refused.GrpcStatus} '{refused.Message}'");
                Assert.Equal(StatusCode.Unauthenticated, refused.GrpcStatus);
                Assert.DoesNotContain("home cell", refused.Message, StringComparison.Ordinal);
            }

            var aliceToken = (await api.LoginAsync(alice, TestUsers.Password, "where", ct)).Token;
            var carolToken = (await api.LoginAsync(carol, TestUsers.Password, "where", ct)).Token;
            Assert.Contains((await api.WhereAsync(alice, aliceToken, ct)).Devices, d => d.DeviceId == TestUsers.DefaultDevice);
            var visible = await api.WhereAsync(bob, aliceToken, ct);
            Assert.Equal("b", visible.HomeCell);
            Assert.Contains(visible.Devices, d => d.DeviceId == TestUsers.DefaultDevice && d.ServingCell == "b");
            var free = await Assert.ThrowsAsync<ImClientException>(() => api.WhereAsync(FreeNumberInB, aliceToken, ct));
            output.WriteLine($"a free number: {free.GrpcStatus} '{free.Message}'");

            // bob blocks alice: to her he is a free number; carol still sees him.
            await bobClient.BlockAsync(alice, block: true, ct);
            await AssertHiddenAsync(api, bob, aliceToken, free, "bob blocked alice", ct);
            Assert.Equal("b", (await api.WhereAsync(bob, carolToken, ct)).HomeCell);
            // Nor can he befriend her while he hides from her.
            var request = await Assert.ThrowsAsync<ImClientException>(() => bobClient.RequestFriendAsync(alice, "hi", ct));
            Assert.Equal((ErrorCode.Conflict, $"you blocked {alice}; unblock them first"), (request.Code, request.Message));

            // Unblocked, then friends only: alice (not a friend) and carol see a free number, until alice is a friend.
            await bobClient.BlockAsync(alice, block: false, ct);
            Assert.Equal("b", (await api.WhereAsync(bob, aliceToken, ct)).HomeCell);
            await bobClient.SetOnlyFriendsAsync(true, ct);
            await AssertHiddenAsync(api, bob, aliceToken, free, "bob accepts friends only", ct);
            await AssertHiddenAsync(api, bob, carolToken, free, "bob accepts friends only", ct);
            await Social.MakeFriendsAsync(aliceClient, bobClient, ct);
            Assert.Contains((await api.WhereAsync(bob, aliceToken, ct)).Devices, d => d.DeviceId == TestUsers.DefaultDevice);
            await AssertHiddenAsync(api, bob, carolToken, free, "bob accepts friends only, carol is no friend", ct);

            // The CLI signs in first; without a user it does not ask at all.
            var (exit, text) = await cluster.Cli.RunAsync("cli where", CliBound, ct, "where", Number(bob),
                "--user", Number(alice), "--password", TestUsers.Password, "--login", cluster.Layout.LoginUrl);
            Assert.True(exit == 0, $"imcells where exited {exit}:\n{text}");
            Assert.Contains($"{bob}  home cell b", text, StringComparison.Ordinal);
            var (anonymousExit, anonymousText) = await cluster.Cli.RunAsync("cli where anonymous", CliBound, ct, "where", Number(bob),
                "--login", cluster.Layout.LoginUrl);
            Assert.True(anonymousExit == 2, $"imcells where without --user exited {anonymousExit}:\n{anonymousText}");
            Assert.Contains("--user is required", anonymousText, StringComparison.Ordinal);
            Assert.DoesNotContain($"{bob}  home cell", anonymousText, StringComparison.Ordinal);

            // A logout of every device voids the token for look-ups too, whether the asker's home cell
            // is the one asked (carol, cell a) or not (bob, cell b); a new login works again.
            await aliceClient.LogoutAllDevicesAsync(ct);
            foreach (var target in new[] { bob, carol })
            {
                var revoked = await Assert.ThrowsAsync<ImClientException>(() => api.WhereAsync(target, aliceToken, ct));
                output.WriteLine($"where {target} with alice's revoked token: {revoked.GrpcStatus} '{revoked.Message}'");
                Assert.Equal(StatusCode.Unauthenticated, revoked.GrpcStatus);
            }

            var fresh = (await api.LoginAsync(alice, TestUsers.Password, "where", ct)).Token;
            Assert.Equal("b", (await api.WhereAsync(bob, fresh, ct)).HomeCell);
        });
    }

    /// <summary>
    /// Cross cell (bob in b hides from alice in a) and in one cell (dave in a): the blocked friend's
    /// list and a new device's snapshot show the blocker offline without a last-seen time, she is told
    /// so before the blocker's BlockOk, later changes never reach her, and an unblock shows him again.
    /// </summary>
    [Fact]
    public async Task Block_HidesPresence_InListSnapshotAndLiveNotifies_SameCellAndAcrossCells()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var (alice, aliceClient) = await users.ConnectAsync("alice@a");

            // The witness is a friend of both, homed with the blocker: its own change is routed after the
            // blocker's, so once alice has the witness's change she would have had the blocker's.
            foreach (var (blockerSpec, witnessSpec, device) in new[] { ("bob@b", "carol@b", "tablet-b"), ("dave@a", "erin@a", "tablet-a") })
            {
                var blocker = await users.RegisterAsync(blockerSpec);
                var (witness, witnessClient) = await users.ConnectAsync(witnessSpec);
                var blockerClient = await users.ConnectAsync(users.Options(blocker));
                await Social.MakeFriendsAsync(aliceClient, blockerClient, ct);
                await Social.MakeFriendsAsync(aliceClient, witnessClient, ct);
                await Social.MakeFriendsAsync(witnessClient, blockerClient, ct);
                await Social.PresenceAsync(aliceClient, blocker, Presence.Online, Social.EventBound, ct);
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(aliceClient, blocker, ct)).Presence);

                // Blocked mid-session. Her list, asked after the blocker's BlockOk, shows him offline with
                // no last-seen time, and the notify saying so had already arrived (it left first).
                DrainNow(aliceClient.PresenceChanges);
                await blockerClient.BlockAsync(alice, block: true, ct);
                var entry = await Social.FriendEntryAsync(aliceClient, blocker, ct);
                Assert.Equal((Presence.Offline, 0L), (entry.Presence, entry.LastSeenMs));
                var told = DrainNow(aliceClient.PresenceChanges).LastOrDefault(p => p.User == blocker);
                output.WriteLine($"{blockerSpec} blocked alice: her list says {entry.Presence}, she was told {told}");
                Assert.NotNull(told);
                Assert.Equal((Presence.Offline, 0L), (told.Presence, told.LastSeenMs));
                // The blocker still sees her: a block hides the blocker, not the blocked.
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(blockerClient, alice, ct)).Presence);

                // A device of hers connecting now gets him offline in its snapshot.
                await using (var tablet = await users.ConnectAsync(users.Options(alice, device)))
                {
                    var item = await Wait.ForOneAsync(tablet.PresenceChanges, p => p.User == blocker,
                        $"{blocker} in the snapshot of alice's {device}", Social.EventBound, ct);
                    Assert.Equal((Presence.Offline, 0L), (item.Presence, item.LastSeenMs));
                }

                // He goes offline and comes back: the witness sees both, alice neither.
                await blockerClient.DisposeAsync();
                await Social.PresenceAsync(witnessClient, blocker, Presence.Offline, Social.EventBound, ct);
                var blockerAgain = await users.ConnectAsync(users.Options(blocker, "again"));
                await Social.PresenceAsync(witnessClient, blocker, Presence.Online, Social.EventBound, ct);
                await witnessClient.SetPresenceAsync(Presence.Away, ct);
                var (away, before) = await Wait.ForAsync(aliceClient.PresenceChanges,
                    p => p.User == witness && p.Presence == Presence.Away, Social.EventBound, ct);
                Assert.True(away is not null, $"alice never saw {witness} away");
                Assert.DoesNotContain(before, p => p.User == blocker);
                Assert.Equal((Presence.Offline, 0L), await PresenceInListAsync(aliceClient, blocker, ct));

                // Unblocked: shown again at once.
                DrainNow(aliceClient.PresenceChanges);
                await blockerAgain.BlockAsync(alice, block: false, ct);
                Assert.Equal(Presence.Online, (await Social.FriendEntryAsync(aliceClient, blocker, ct)).Presence);
                Assert.Equal(Presence.Online, DrainNow(aliceClient.PresenceChanges).LastOrDefault(p => p.User == blocker)?.Presence);
            }
        });
    }

    [Fact]
    public async Task CellFigures_AndForcedGc_OnlyForTheOperatorCertificate()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            await users.ConnectAsync("alice@a");

            // Login's Status (anyone may call it): which cells are up, no figures.
            var status = await cluster.Api.StatusAsync(ct);
            foreach (var cell in status.Cells)
            {
                var own = await cluster.Api.CellStatusAsync(cell.Id, ct);
                output.WriteLine($"cell {cell.Id}: login says up={cell.Up}, pid {cell.Pid}, rss {cell.RssBytes}; the cell says pid {own.Pid}, rss {own.RssBytes}");
                Assert.True(cell.Up, $"cell {cell.Id} down: {cell.Error}");
                Assert.Equal(cluster.Layout.CellGrpcUrl(cell.Id), cell.Grpc);
                Assert.True(own.Pid > 0 && own.RssBytes > 0, $"the operator got no figures from cell {cell.Id}: {own}");
                Assert.Equal((0, 0UL, 0UL, 0U, 0U, 0UL, 0UL, 0U, 0U),
                    (cell.Pid, cell.RssBytes, cell.ManagedHeapBytes, cell.Connections, cell.OnlineUsers, cell.Users, cell.OutboxPending, cell.HomeUsersHere, cell.VisitorsHere));
            }

            // A forced GC: refused through login, refused at the cell without a certificate and to a
            // login server's certificate; the operator's works.
            using (var login = GrpcChannel.ForAddress(cluster.Layout.LoginUrl))
            {
                var viaLogin = await Assert.ThrowsAsync<RpcException>(() => new LoginProto.Login.LoginClient(login).StatusAsync(
                    new LoginProto.StatusRequest { CollectGarbage = true }, deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct).ResponseAsync);
                Assert.Equal(StatusCode.PermissionDenied, viaLogin.StatusCode);
            }

            var cellA = cluster.Layout.CellGrpcUrl("a");
            using (var stranger = ClusterApi.Channel(cellA, null, ClusterApi.AnyServer))
            {
                await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CollectGarbageAsync(stranger, ct));
            }

            using (var asLogin = cluster.Api.As(ClusterIdentity.Login(0), cellA))
            {
                Assert.Equal(StatusCode.PermissionDenied, (await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CollectGarbageAsync(asLogin, ct))).StatusCode);
            }

            using (var asOperator = cluster.Api.As(ClusterPki.Operator, cellA))
            {
                Assert.True((await ClusterApi.CollectGarbageAsync(asOperator, ct)).ManagedHeapBytes > 0);
            }

            // imcells status: figures with the operator's certificate; a PKI folder without it is refused.
            var (exit, text) = await cluster.Cli.RunAsync("cli status", CliBound, ct,
                "status", "--login", cluster.Layout.LoginUrl, "--pki", cluster.Layout.Pki.Directory);
            Assert.True(exit == 0, $"imcells status exited {exit}:\n{text}");
            output.WriteLine(text);
            foreach (var cell in status.Cells)
            {
                Assert.Matches($"cell {cell.Id}  up  connections [0-9]+ .* pid [1-9][0-9]* ", text);
            }

            var noPki = Path.Combine(cluster.Layout.TempDir, "no-pki-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(noPki);
            var (refusedExit, refusedText) = await cluster.Cli.RunAsync("cli status without pki", CliBound, ct,
                "status", "--login", cluster.Layout.LoginUrl, "--pki", noPki);
            Assert.True(refusedExit == 1, $"imcells status --pki {noPki} exited {refusedExit}:\n{refusedText}");
            output.WriteLine(refusedText);
            Assert.Contains("operator-admin.crt", refusedText, StringComparison.Ordinal);
        });
    }

    /// <summary>`where` for <paramref name="target"/> fails exactly as it does for a free number.</summary>
    private async Task AssertHiddenAsync(LoginApi api, ulong target, string token, ImClientException free, string why, CancellationToken ct)
    {
        var hidden = await Assert.ThrowsAsync<ImClientException>(() => api.WhereAsync(target, token, ct));
        output.WriteLine($"{why}: {hidden.GrpcStatus} '{hidden.Message}'");
        Assert.Equal(free.GrpcStatus, hidden.GrpcStatus);
        Assert.Equal(free.Code, hidden.Code);
        Assert.Equal(free.Message.Replace(Number(FreeNumberInB), "N", StringComparison.Ordinal), hidden.Message.Replace(Number(target), "N", StringComparison.Ordinal));
    }

    private static async Task<(Presence, long)> PresenceInListAsync(ImClient client, ulong friend, CancellationToken ct)
    {
        var entry = await Social.FriendEntryAsync(client, friend, ct);
        return (entry.Presence, entry.LastSeenMs);
    }

    /// <summary>What the channel holds right now, without waiting.</summary>
    private static List<PresenceChanged> DrainNow(ChannelReader<PresenceChanged> reader)
    {
        var items = new List<PresenceChanged>();
        while (reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    private static string Number(ulong user) => user.ToString(CultureInfo.InvariantCulture);
}
