using Grpc.Core;
using ImCells.Client;
using ImCells.Protos.Client;
using ImCells.Protos.Login;
using ImCells.Trust;
using ImCells.Unit.Tests.Trust;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// An https:// login server, given the cluster CA, must chain to it and name a login server;
/// without a CA the system's trust store decides; http:// stays plaintext.
/// </summary>
public sealed class LoginTlsTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TestPki _otherPki = new();

    public void Dispose()
    {
        _pki.Dispose();
        _otherPki.Dispose();
    }

    [Fact]
    public async Task LoginServerOfTheCluster_Answers()
    {
        await using var server = await TlsGrpcServer.StartAsync(new StatusOnlyLogin(), _pki.Certificate(ClusterIdentity.Login(0)));
        Assert.StartsWith("https://", server.Url);

        using var api = new LoginApi(server.Url, _pki.Ca);

        Assert.Equal(7UL, (await api.StatusAsync()).TopologyVersion);
    }

    [Fact]
    public async Task CellCertificateOnTheLoginPort_RefusedNamingIt()
    {
        await using var server = await TlsGrpcServer.StartAsync(new StatusOnlyLogin(), _pki.Certificate(ClusterIdentity.Cell("a")));
        using var api = new LoginApi(server.Url, _pki.Ca);

        var refused = await Assert.ThrowsAsync<ImClientException>(() => api.StatusAsync());
        Assert.Equal(ErrorCode.Unavailable, refused.Code);
        Assert.Equal(
            $"TLS handshake with login server {new Uri(server.Url).Authority} failed: the server's certificate names spiffe://imcells/cell/a, not a login server",
            refused.Message);
    }

    [Fact]
    public async Task RefusedLoginServer_NextOneInTheListAnswers()
    {
        await using var impostor = await TlsGrpcServer.StartAsync(new StatusOnlyLogin(), _otherPki.Certificate(ClusterIdentity.Login(0)));
        await using var server = await TlsGrpcServer.StartAsync(new StatusOnlyLogin(), _pki.Certificate(ClusterIdentity.Login(1)));
        using var api = new LoginApi($"{impostor.Url},{server.Url}", _pki.Ca);

        Assert.Equal(7UL, (await api.StatusAsync()).TopologyVersion);
    }

    [Fact]
    public async Task CertificateOfAnotherCa_Refused()
    {
        await using var server = await TlsGrpcServer.StartAsync(new StatusOnlyLogin(), _otherPki.Certificate(ClusterIdentity.Login(0)));
        using var api = new LoginApi(server.Url, _pki.Ca);

        var refused = await Assert.ThrowsAsync<ImClientException>(() => api.StatusAsync());

        Assert.Contains("failed: the server's certificate is refused: not signed by the cluster CA", refused.Message);
    }

    [Fact]
    public async Task WithoutTheCa_SystemTrustStoreRefusesTheClusterCertificate()
    {
        await using var server = await TlsGrpcServer.StartAsync(new StatusOnlyLogin(), _pki.Certificate(ClusterIdentity.Login(0)));
        using var api = new LoginApi(server.Url);

        var refused = await Assert.ThrowsAsync<ImClientException>(() => api.StatusAsync());

        Assert.StartsWith($"TLS handshake with login server {new Uri(server.Url).Authority} failed: ", refused.Message);
    }

    [Fact]
    public async Task PlaintextLoopback_StillWorksWithACaGiven()
    {
        await using var server = await TlsGrpcServer.StartAsync(new StatusOnlyLogin(), certificate: null);
        Assert.StartsWith("http://", server.Url);

        using var api = new LoginApi(server.Url, _pki.Ca);

        Assert.Equal(7UL, (await api.StatusAsync()).TopologyVersion);
    }

    [Fact]
    public void Handler_ClusterCheckOnlyForHttpsWithACa()
    {
        var trust = new ClusterTrust(_pki.Ca);
        Assert.Null(LoginChannel.HandlerFor(new Uri("http://127.0.0.1:7100"), trust));
        Assert.Null(LoginChannel.HandlerFor(new Uri("https://login.example:443"), null));

        using var handler = LoginChannel.HandlerFor(new Uri("https://127.0.0.1:7100"), trust);
        var check = handler!.SslOptions.RemoteCertificateValidationCallback!;
        Assert.True(check(this, _pki.Certificate(ClusterIdentity.Login(1)), null, System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch));
        Assert.False(check(this, _pki.Certificate(ClusterIdentity.Cell("a")), null, System.Net.Security.SslPolicyErrors.None));
        // The handshake builds the chain under the handler's policy (the cluster CA only): a login
        // certificate of another CA does not chain, which the callback is told as a chain error.
        Assert.False(check(this, _otherPki.Certificate(ClusterIdentity.Login(1)), null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        var policy = handler.SslOptions.CertificateChainPolicy!;
        using (var ours = new System.Security.Cryptography.X509Certificates.X509Chain { ChainPolicy = policy.Clone() })
        {
            Assert.True(ours.Build(_pki.Certificate(ClusterIdentity.Login(1))));
        }

        using (var foreign = new System.Security.Cryptography.X509Certificates.X509Chain { ChainPolicy = policy.Clone() })
        {
            Assert.False(foreign.Build(_otherPki.Certificate(ClusterIdentity.Login(1))));
        }

        Assert.Null(handler.SslOptions.ClientCertificates);
    }

    /// <summary>A login server that only knows its topology version.</summary>
    private sealed class StatusOnlyLogin : Protos.Login.Login.LoginBase
    {
        public override Task<StatusReply> Status(StatusRequest request, ServerCallContext context) =>
            Task.FromResult(new StatusReply { TopologyVersion = 7 });
    }
}
