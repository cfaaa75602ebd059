using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using ImCells.Protos.Master;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Trust;
using ImCells.Unit.Tests.Trust;

namespace ImCells.Unit.Tests.Security;

/// <summary>An internal gRPC endpoint as every server sets it up (<see cref="TlsListen.ListenCluster"/>), called the right way and the wrong ways.</summary>
public sealed class MutualTlsTests : IAsyncLifetime
{
    private readonly TestPki _pki = new();
    private TlsTestServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await TlsTestServer.StartAsync(_pki.Credentials(ClusterIdentity.Cell("a")), (kestrel, endpoint, services) => kestrel.ListenCluster(endpoint, services));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _pki.Dispose();
    }

    [Fact]
    public async Task PeerOfTheCluster_ExpectingTheRightServer_IsServedAndNamedToTheService()
    {
        using var pool = new ChannelPool(_pki.Credentials(ClusterIdentity.Cell("b")), _ => ClusterIdentity.Cell("a"));

        var reply = await LocateAsync(pool.Get(_server.Url));

        Assert.Equal("spiffe://imcells/cell/b", reply.CellId);
    }

    [Fact]
    public async Task ChannelPool_ServerNamingAnotherIdentityThanTheTopology_IsRefusedByTheClient()
    {
        using var pool = new ChannelPool(_pki.Credentials(ClusterIdentity.Cell("b")), _ => ClusterIdentity.Cell("c"));

        await Assert.ThrowsAsync<RpcException>(() => LocateAsync(pool.Get(_server.Url)));
        Assert.Equal(0, _server.Served);
    }

    [Fact]
    public async Task ChannelPool_UrlTheTopologyDoesNotKnow_IsRefusedByTheClient()
    {
        using var pool = new ChannelPool(_pki.Credentials(ClusterIdentity.Login(0)), _ => null);

        await Assert.ThrowsAsync<RpcException>(() => LocateAsync(pool.Get(_server.Url)));
        Assert.Equal(0, _server.Served);
    }

    [Fact]
    public void ChannelPool_HttpUrl_IsRefusedBeforeAnyConnection()
    {
        using var pool = new ChannelPool(_pki.Credentials(ClusterIdentity.Cell("b")), _ => ClusterIdentity.Cell("a"));

        Assert.Throws<ArgumentException>(() => pool.Get($"http://127.0.0.1:{_server.Port}"));
    }

    [Fact]
    public async Task CallerWithoutCertificate_GetsNothing()
    {
        using var channel = Channel(_server.Url, clientCertificate: null);

        await Assert.ThrowsAsync<RpcException>(() => LocateAsync(channel));
        Assert.Equal(0, _server.Served);
        Assert.True(_server.Refused >= 1);
    }

    [Fact]
    public async Task CallerWithCertificateOfAnotherCa_GetsNothing()
    {
        using var foreign = new TestPki();
        using var channel = Channel(_server.Url, foreign.Credentials(ClusterIdentity.Cell("b")).Certificate);

        await Assert.ThrowsAsync<RpcException>(() => LocateAsync(channel));
        Assert.Equal(0, _server.Served);
        Assert.True(_server.Refused >= 1);
    }

    [Fact]
    public async Task PlaintextHttp2Caller_GetsNothing()
    {
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{_server.Port}");

        await Assert.ThrowsAsync<RpcException>(() => LocateAsync(channel));
        Assert.Equal(0, _server.Served);
    }

    /// <summary>A channel that trusts whatever server answers and presents <paramref name="clientCertificate"/> (or none).</summary>
    private static GrpcChannel Channel(string url, X509Certificate2? clientCertificate) =>
        GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                    LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                },
            },
        });

    private static async Task<LocateReply> LocateAsync(GrpcChannel channel) =>
        await new Protos.Master.Master.MasterClient(channel).LocateAsync(new LocateRequest { UserId = 1 }, deadline: DateTime.UtcNow.AddSeconds(10));
}
