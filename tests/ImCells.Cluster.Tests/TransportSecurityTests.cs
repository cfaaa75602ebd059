using Grpc.Core;
using Grpc.Net.Client;
using ImCells.ClusterHost;
using ImCells.Protos.Master;
using ImCells.Trust;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 12, transport: every internal gRPC port of the running cluster (master, cells) is mutual
/// TLS. A plaintext HTTP/2 caller, a caller without a certificate and one with a certificate of
/// another CA get nothing; a caller checks that the server is who the topology says.
/// </summary>
[Collection("cluster")]
public sealed class TransportSecurityTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PlaintextHttp2Request_ToCellAndMaster_GetsNothing()
    {
        await cluster.RunAsync(output, Bound, async (_, ct) =>
        {
            using var cell = GrpcChannel.ForAddress(Plaintext(cluster.Layout.CellGrpcUrl("a")));
            using var master = GrpcChannel.ForAddress(Plaintext(cluster.Layout.MasterUrl));

            var atCell = await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CellStatusAsync(cell, ct));
            var atMaster = await Assert.ThrowsAsync<RpcException>(() => GetTopologyAsync(master, ct));
            output.WriteLine($"cell: {atCell.Status}; master: {atMaster.Status}");
        });
    }

    [Fact]
    public async Task CallerWithoutCertificate_GetsNothing()
    {
        await cluster.RunAsync(output, Bound, async (_, ct) =>
        {
            using var cell = ClusterApi.Channel(cluster.Layout.CellGrpcUrl("b"), null, ClusterApi.AnyServer);
            using var master = ClusterApi.Channel(cluster.Layout.MasterUrl, null, ClusterApi.AnyServer);

            await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CellStatusAsync(cell, ct));
            await Assert.ThrowsAsync<RpcException>(() => GetTopologyAsync(master, ct));
        });
    }

    [Fact]
    public async Task CallerWithCertificateOfAnotherCa_GetsNothing()
    {
        var foreignDir = Path.Combine(cluster.Layout.TempDir, "foreign-" + Guid.NewGuid().ToString("N")[..8]);
        var foreign = new PkiLayout(foreignDir);
        using (var ca = ClusterCa.LoadOrCreate(foreign))
        {
            // The same names as real members: only the CA tells them apart.
            ca.EnsureIssued(foreign, ClusterPki.Operator, []);
            ca.EnsureIssued(foreign, ClusterIdentity.Cell("b"), ["127.0.0.1"]);
        }

        await cluster.RunAsync(output, Bound, async (_, ct) =>
        {
            foreach (var identity in new[] { ClusterPki.Operator, ClusterIdentity.Cell("b") })
            {
                var stranger = ClusterCredentials.Load(foreign, identity);
                using var cell = ClusterApi.Channel(cluster.Layout.CellGrpcUrl("a"), stranger.Certificate, ClusterApi.AnyServer);
                using var master = ClusterApi.Channel(cluster.Layout.MasterUrl, stranger.Certificate, ClusterApi.AnyServer);

                await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CellStatusAsync(cell, ct));
                await Assert.ThrowsAsync<RpcException>(() => GetTopologyAsync(master, ct));
            }
        });
    }

    [Fact]
    public async Task ClusterCertificate_IsServed_AndTheServerIsCheckedAgainstTheTopology()
    {
        await cluster.RunAsync(output, Bound, async (_, ct) =>
        {
            var admin = cluster.Api.Credentials(ClusterPki.Operator);
            using (var master = ClusterApi.Channel(cluster.Layout.MasterUrl, admin.Certificate, ClusterApi.ServerNamed(admin.Trust, ClusterIdentity.Master)))
            {
                Assert.True((await GetTopologyAsync(master, ct)).Version >= 1);
            }

            Assert.Equal("a", (await cluster.Api.CellStatusAsync("a", ct)).CellId);

            // Cell a's port answers as cell a: a caller expecting cell b there stops at the handshake.
            using var wrong = ClusterApi.Channel(cluster.Layout.CellGrpcUrl("a"), admin.Certificate, ClusterApi.ServerNamed(admin.Trust, ClusterIdentity.Cell("b")));
            await Assert.ThrowsAsync<RpcException>(() => ClusterApi.CellStatusAsync(wrong, ct));
        });
    }

    private static string Plaintext(string httpsUrl) => "http://" + new Uri(httpsUrl).Authority;

    private static async Task<GetTopologyReply> GetTopologyAsync(GrpcChannel channel, CancellationToken ct) =>
        await new Master.MasterClient(channel).GetTopologyAsync(new GetTopologyRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
}
