using Grpc.Core;
using ImCells.Client;
using ImCells.ClusterHost;
using ImCells.Protos.Client;
using ImCells.Trust;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 12, authorization: the attacks that worked when nothing checked the cluster's internal
/// calls, each made now with a real certificate of the cluster CA (a compromised or mistaken member),
/// and each refused; beside each, the same call made rightfully still works (so a refusal means
/// something).
/// </summary>
[Collection("cluster")]
public sealed class AuthorizationTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    private ClusterApi Api => cluster.Api;

    [Fact]
    public async Task WrongRoleOrWrongCell_IsRefusedAtEachRole()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var (alice, bob) = await users.RegisterAsync("alice@a", "bob@b");
            var cellA = cluster.Layout.CellGrpcUrl("a");
            using var asLogin = Api.As(ClusterIdentity.Login(0), cellA);
            using var asCellB = Api.As(ClusterIdentity.Cell("b"), cellA);
            using var asChatB = Api.As(ClusterIdentity.ChatServer("b", 7), cellA);
            using var asOperator = Api.As(ClusterPki.Operator, cellA);

            // Peering is for cells: not a login server, not a chat server, not an operator.
            await Refused(StatusCode.PermissionDenied, ClusterApi.DeliverAsync(asLogin, "b", bob, alice, "x", ct));
            await Refused(StatusCode.PermissionDenied, ClusterApi.DeliverAsync(asChatB, "b", bob, alice, "x", ct));
            await Refused(StatusCode.PermissionDenied, ClusterApi.DeliverAsync(asOperator, "b", bob, alice, "x", ct));
            // Accounts are for login servers: a cell cannot guess passwords past the login's throttle.
            await Refused(StatusCode.PermissionDenied, ClusterApi.AuthenticateAsync(asCellB, alice, TestUsers.Password, ct));
            Assert.True((await ClusterApi.AuthenticateAsync(asLogin, alice, TestUsers.Password, ct)).Ok);
            // Home location is for serving places, and only as themselves.
            await Refused(StatusCode.PermissionDenied, ClusterApi.VisitorSyncAsync(asOperator, alice, "d", "b", "", ct));
            await Refused(StatusCode.PermissionDenied, ClusterApi.VisitorAttachAsync(asCellB, alice, "d", "c", "", ct));
            // A forced GC is for operators only.
            await Refused(StatusCode.PermissionDenied, ClusterApi.CollectGarbageAsync(asCellB, ct));
            await Refused(StatusCode.PermissionDenied, ClusterApi.CollectGarbageAsync(asLogin, ct));
            Assert.True((await ClusterApi.CollectGarbageAsync(asOperator, ct)).ManagedHeapBytes > 0);

            // Each refusal is counted against the caller's identity.
            var refused = (await Api.CellStatusAsync("a", ct)).RefusedCalls;
            output.WriteLine(string.Join(", ", refused.Select(r => $"{r.Key}={r.Value}")));
            Assert.True(refused.GetValueOrDefault("spiffe://imcells/cell/b") >= 3);
            Assert.True(refused.GetValueOrDefault("spiffe://imcells/login/0") >= 2);
        });
    }

    [Fact]
    public async Task Deliver_FromCellB_ClaimingASenderOfCellA_IsRefused_AndNothingIsStored()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var (alice, bob) = await users.RegisterAsync("alice@a", "bob@b");
            var (victim, victimClient) = await users.ConnectAsync("victim@a");
            using var asCellB = Api.As(ClusterIdentity.Cell("b"), cluster.Layout.CellGrpcUrl("a"));

            await Refused(StatusCode.PermissionDenied, ClusterApi.DeliverAsync(asCellB, "b", alice, victim, "forged: from alice", ct));
            await Refused(StatusCode.PermissionDenied, ClusterApi.DeliverAsync(asCellB, "a", alice, victim, "forged: as cell a", ct));
            await Refused(StatusCode.PermissionDenied, ClusterApi.DeliverAsync(asCellB, "b", 19_999_999, victim, "forged: from nobody", ct));
            // Cell b speaking for its own user is what peering is for.
            var rightful = await ClusterApi.DeliverAsync(asCellB, "b", bob, victim, "from bob", ct);
            Assert.Equal(Protos.Cell.DeliverResult.Types.Outcome.Stored, Assert.Single(rightful.Results).Outcome);

            // The victim's mailbox holds bob's message as its first and only entry: nothing forged was stored.
            var received = await Receive.ExactlyAsync(victimClient.Messages, bob, 1, Delivery, ct);
            Assert.Equal(1UL, Assert.Single(received).Seq);
            var history = await victimClient.SyncAsync(0, ct: ct);
            Assert.Equal(["from bob"], history.Messages.Select(m => m.Text));
        });
    }

    [Fact]
    public async Task HomeLocation_WithoutTheDevicesToken_IsRefused()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var (carol, dan) = await users.RegisterAsync("carol@a", "dan@a");
            var danClient = await users.ConnectAsync(users.Options(dan));
            await danClient.SendAsync(carol, "secret for carol", ct: ct);

            using var api = new LoginApi(cluster.Layout.LoginUrl);
            var login = await api.LoginAsync(carol, TestUsers.Password, "phone", preferCell: "b", region: null, ct);
            Assert.Equal("b", login.CellId);
            var cellA = cluster.Layout.CellGrpcUrl("a");
            using var asCellB = Api.As(ClusterIdentity.Cell("b"), cellA);
            using var asCellC = Api.As(ClusterIdentity.Cell("c"), cellA);

            // Made-up devices and tokens of other devices or places get nowhere.
            await Refused(StatusCode.Unauthenticated, ClusterApi.VisitorAttachAsync(asCellB, carol, "made-up", "b", "", ct));
            await Refused(StatusCode.Unauthenticated, ClusterApi.VisitorAttachAsync(asCellB, carol, "made-up", "b", login.Token, ct));
            await Refused(StatusCode.Unauthenticated, ClusterApi.VisitorAttachAsync(asCellC, carol, "phone", "c", login.Token, ct));
            await Refused(StatusCode.Unauthenticated, ClusterApi.VisitorSyncAsync(asCellB, carol, "phone", "b", "", ct));

            // With the device's token, issued for cell b, cell b acts for that device.
            await ClusterApi.VisitorAttachAsync(asCellB, carol, "phone", "b", login.Token, ct);
            try
            {
                await Refused(StatusCode.Unauthenticated, ClusterApi.VisitorSyncAsync(asCellB, carol, "phone", "b", "", ct));
                await Refused(StatusCode.Unauthenticated, ClusterApi.VisitorSyncAsync(asCellC, carol, "phone", "c", login.Token, ct));
                var sync = await ClusterApi.VisitorSyncAsync(asCellB, carol, "phone", "b", login.Token, ct);
                Assert.Equal(Frame.BodyOneofCase.SyncResult, sync.Response.BodyCase);
                Assert.Equal("secret for carol", Assert.Single(sync.Response.SyncResult.Messages).Text);
            }
            finally
            {
                await Refused(StatusCode.Unauthenticated, ClusterApi.VisitorDetachAsync(asCellB, carol, "phone", "b", "", ct));
                await ClusterApi.VisitorDetachAsync(asCellB, carol, "phone", "b", login.Token, ct);
            }
        });
    }

    [Fact]
    public async Task PushFromACellThatIsNotTheUsersHome_IsRefused_AndNeverReachesTheDevice()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var ((erin, _), (frank, frankClient)) = await users.ConnectAsync("erin@b", "frank@a");
            using var asCellB = Api.As(ClusterIdentity.Cell("b"), cluster.Layout.CellGrpcUrl("a"));

            await Refused(StatusCode.PermissionDenied, ClusterApi.PushFakeMessageAsync(asCellB, "b", frank, 999, "fake", ct));
            await Refused(StatusCode.PermissionDenied, ClusterApi.PushFakeMessageAsync(asCellB, "a", frank, 999, "fake", ct));

            // A real message after the refused pushes is the first thing frank sees (a pushed fake
            // would have reached the session before it: pushes go out as soon as they arrive).
            var erinClient = await users.ConnectAsync(users.Options(erin, device: "second"));
            await erinClient.SendAsync(frank, "real", ct: ct);
            var first = await FirstMessageAsync(frankClient, ct);
            Assert.Equal(("real", 1UL), (first.Text, first.Seq));
        });
    }

    /// <summary>
    /// Groups: a cell speaks only for its own users to a group's home cell, and only a group's home
    /// cell delivers that group's entries; a forged entry reaches no member.
    /// </summary>
    [Fact]
    public async Task GroupPeering_OnlyForOwnUsersAndOwnGroups()
    {
        await cluster.RunAsync(output, Bound, async (users, ct) =>
        {
            var (carol, carolClient) = await users.ConnectAsync("carol@c");
            var (alice, aliceClient) = await users.ConnectAsync("alice@a");
            var info = await carolClient.CreateGroupAsync("guarded", [alice], ct: ct);
            Assert.Equal("c", info.HomeCell);
            using var asCellB = Api.As(ClusterIdentity.Cell("b"), cluster.Layout.CellGrpcUrl("c"));
            using var asCellBToA = Api.As(ClusterIdentity.Cell("b"), cluster.Layout.CellGrpcUrl("a"));
            var peering = new Protos.Cell.GroupPeering.GroupPeeringClient(asCellB);

            // b may not send as alice (homed in a), nor as itself naming cell a.
            var send = new Frame { GroupSend = new GroupSendRequest { Group = info.Group, Text = "forged", ClientMsgId = "f1" } };
            await Refused(StatusCode.PermissionDenied, peering.CallAsync(new Protos.Cell.GroupCallRequest { FromCell = "b", User = alice, Request = send }, cancellationToken: ct).ResponseAsync);
            await Refused(StatusCode.PermissionDenied, peering.CallAsync(new Protos.Cell.GroupCallRequest { FromCell = "a", User = alice, Request = send }, cancellationToken: ct).ResponseAsync);

            // b may not deliver entries of c's group to a, nor ask a about adds to it.
            var forged = new Protos.Cell.GroupDeliverRequest { FromCell = "b" };
            forged.Entries.Add(new GroupEntry { Group = info.Group, Seq = 100, Id = "forged", From = carol, Text = "forged entry" });
            var toA = new Protos.Cell.GroupPeering.GroupPeeringClient(asCellBToA);
            await Refused(StatusCode.PermissionDenied, toA.DeliverAsync(forged, cancellationToken: ct).ResponseAsync);
            var check = new Protos.Cell.GroupCheckAddRequest { FromCell = "b", Actor = carol, Group = info.Group };
            check.Users.Add(alice);
            await Refused(StatusCode.PermissionDenied, toA.CheckAddAsync(check, cancellationToken: ct).ResponseAsync);

            // Nothing forged reached alice: her view is the group's own timeline.
            var said = await carolClient.SendGroupAsync(info.Group, "real", ct: ct);
            var view = await aliceClient.GroupSyncAsync(info.Group, 0, ct);
            Assert.Equal([1UL, said.Seq], view.Entries.Select(e => e.Seq));
            Assert.True(await Wait.UntilAsync(async () => Assert.Single((await aliceClient.GroupListAsync(ct)).Groups).HeadSeq == said.Seq, Delivery, ct),
                "alice's home cell never reached the real entry");
        });
    }

    private static async Task Refused(StatusCode expected, Task call)
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(expected, refused.StatusCode);
    }

    private static async Task<ChatMessage> FirstMessageAsync(ImClient client, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Delivery);
        return await client.Messages.ReadAsync(timeout.Token);
    }
}
