using Grpc.Core;
using ImCells.ClusterHost;
using ImCells.Trust;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 12 at the third kind of gRPC server, an extra chat server (cell a's "a#1", started by
/// `imcells up`): strangers fail the handshake, other cells may not push to its sessions or read its
/// Status, the operator may.
/// </summary>
[Collection("up-cluster")]
public sealed class ChatServerTrustTests(UpClusterFixture cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task ChatServerGrpc_RefusesStrangersForeignCertificatesAndOtherCells()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ct = cts.Token;
        var admin = ClusterCredentials.Load(cluster.Pki, ClusterPki.Operator);
        using var asOperator = ClusterApi.Channel(cluster.ChatA1Grpc, admin.Certificate, ClusterApi.ServerNamed(admin.Trust, ClusterIdentity.ChatServer("a", 1)));
        // Another test of this cluster kills the chat server; up starts it again.
        Assert.True(await Wait.UntilAsync(async () =>
        {
            try
            {
                return (await ClusterApi.CellStatusAsync(asOperator, ct)).CellId == "a#1";
            }
            catch (RpcException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), ct), "chat server a#1 never answered its operator");

        using var stranger = ClusterApi.Channel(cluster.ChatA1Grpc, null, ClusterApi.AnyServer);
        await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CellStatusAsync(stranger, ct));

        var foreign = new PkiLayout(Path.Combine(cluster.TempDir, "foreign"));
        using (var ca = ClusterCa.LoadOrCreate(foreign))
        {
            ca.EnsureIssued(foreign, ClusterIdentity.Cell("a"), ["127.0.0.1"]);
        }

        using var impostor = ClusterApi.Channel(cluster.ChatA1Grpc, ClusterCredentials.Load(foreign, ClusterIdentity.Cell("a")).Certificate, ClusterApi.AnyServer);
        await Assert.ThrowsAsync<RpcException>(() => ClusterApi.PushFakeMessageAsync(impostor, "a", 10_000_001, 999, "fake", ct));

        using var asCellB = ClusterApi.Channel(cluster.ChatA1Grpc, ClusterCredentials.Load(cluster.Pki, ClusterIdentity.Cell("b")).Certificate, ClusterApi.AnyServer);
        var push = await Assert.ThrowsAsync<RpcException>(() => ClusterApi.PushFakeMessageAsync(asCellB, "b", 10_000_001, 999, "fake", ct));
        var status = await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CellStatusAsync(asCellB, ct));
        output.WriteLine($"push: {push.Status}; status: {status.Status}");
        Assert.Equal((StatusCode.PermissionDenied, StatusCode.PermissionDenied), (push.StatusCode, status.StatusCode));
    }
}
