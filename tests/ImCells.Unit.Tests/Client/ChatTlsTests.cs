using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ImCells.Client;
using ImCells.Protos.Client;
using ImCells.Trust;
using ImCells.Unit.Tests.Trust;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// A tls:// chat endpoint: the client connects only to a server whose certificate chains to the
/// cluster CA and names a serving place of the cell its login result names; anything else fails
/// fast with an error that says why.
/// </summary>
public sealed class ChatTlsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly TestPki _pki = new();
    private readonly TestPki _otherPki = new();

    public void Dispose()
    {
        _pki.Dispose();
        _otherPki.Dispose();
    }

    [Theory]
    [InlineData("cell")]
    [InlineData("chat-server")]
    public async Task ServerOfTheLoginCell_ConnectsAndCarriesFrames(string kind)
    {
        using var cts = new CancellationTokenSource(Bound);
        var identity = kind == "cell" ? ClusterIdentity.Cell("a") : ClusterIdentity.ChatServer("a", 2);
        await using var server = FakeChatServer.Start(cellId: "a", certificate: _pki.Certificate(identity));
        Assert.StartsWith("tls://", server.Endpoint);

        await using (var client = await server.ConnectClientAsync(cts.Token, _pki.Ca))
        {
            Assert.Null(await server.Handshake);
            Assert.True(client.IsConnected);
            Assert.Equal("a", client.CellId);
            await client.PingAsync(cts.Token);
        }

        // Disposing the client closed the TLS connection: the server's reader saw the end.
        Assert.Empty(await DrainAsync(server, cts.Token));
        Assert.Equal(2, server.Received);
    }

    [Fact]
    public async Task CertificateOfAnotherCa_RefusedWithTheReason()
    {
        using var cts = new CancellationTokenSource(Bound);
        await using var server = FakeChatServer.Start(cellId: "a", certificate: _otherPki.Certificate(ClusterIdentity.Cell("a")));

        var refused = await Assert.ThrowsAsync<ImClientException>(() => server.ConnectClientAsync(cts.Token, _pki.Ca));

        Assert.Equal(ErrorCode.Unavailable, refused.Code);
        Assert.StartsWith($"TLS handshake with {server.Endpoint} failed: ", refused.Message);
        Assert.Contains("not signed by the cluster CA", refused.Message);
        await AssertNothingSentAsync(server, cts.Token);
    }

    [Fact]
    public async Task CertificateOfAnotherCell_RefusedNamingBoth()
    {
        using var cts = new CancellationTokenSource(Bound);
        await using var server = FakeChatServer.Start(cellId: "a", certificate: _pki.Certificate(ClusterIdentity.Cell("b")));

        var refused = await Assert.ThrowsAsync<ImClientException>(() => server.ConnectClientAsync(cts.Token, _pki.Ca));

        Assert.Equal(
            $"TLS handshake with {server.Endpoint} failed: the server's certificate names spiffe://imcells/cell/b, not a chat server of cell a",
            refused.Message);

        await AssertNothingSentAsync(server, cts.Token);
    }

    [Fact]
    public async Task LoginServerCertificate_IsNoChatServer()
    {
        using var cts = new CancellationTokenSource(Bound);
        await using var server = FakeChatServer.Start(cellId: "a", certificate: _pki.Certificate(ClusterIdentity.Login(0)));

        var refused = await Assert.ThrowsAsync<ImClientException>(() => server.ConnectClientAsync(cts.Token, _pki.Ca));

        Assert.Contains("names spiffe://imcells/login/0, not a chat server of cell a", refused.Message);
        await AssertNothingSentAsync(server, cts.Token);
    }

    [Fact]
    public async Task WithoutTheCa_SystemTrustStoreRefusesTheClusterCertificate()
    {
        using var cts = new CancellationTokenSource(Bound);
        await using var server = FakeChatServer.Start(cellId: "a", certificate: _pki.Certificate(ClusterIdentity.Cell("a")));

        var refused = await Assert.ThrowsAsync<ImClientException>(() => server.ConnectClientAsync(cts.Token, trustedCa: null));

        Assert.Contains("the server's certificate is not trusted by this machine", refused.Message);
        await AssertNothingSentAsync(server, cts.Token);
    }

    [Fact]
    public async Task ServerSilentAfterConnect_HandshakeFailsWithinTheConnectTimeout()
    {
        using var cts = new CancellationTokenSource(Bound);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endpoint = $"tls://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var accepted = listener.AcceptSocketAsync(cts.Token).AsTask();
        var clock = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<ImClientException>(() => ImClient.ConnectAsync(
            new ImClientOptions
            {
                LoginUrl = "http://unused", UserId = 1, Password = "pw", AutoReconnect = false,
                TrustedCa = _pki.Ca, ConnectTimeout = TimeSpan.FromSeconds(1),
            },
            _ => Task.FromResult(new LoginResult(1, "token", "a", [endpoint], DateTimeOffset.UtcNow.AddHours(1), "tester")),
            cts.Token));

        Assert.Equal($"TLS handshake with {endpoint} failed: no answer within 1 s", refused.Message);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        (await accepted).Dispose();
    }

    [Theory]
    [InlineData("127.0.0.1:7301", "127.0.0.1", 7301, false)]
    [InlineData("tls://127.0.0.1:7301", "127.0.0.1", 7301, true)]
    [InlineData("TLS://chat.example:443", "chat.example", 443, true)]
    [InlineData("tls://[::1]:7301", "::1", 7301, true)]
    public void ChatEndpoint_ParsesPlainAndTls(string text, string host, int port, bool tls)
    {
        Assert.Equal(new ChatEndpoint(host, port, tls), ChatEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("tls://127.0.0.1")]
    [InlineData("https://127.0.0.1:7301")]
    [InlineData("tls://127.0.0.1:0")]
    public void ChatEndpoint_RefusesOtherForms(string text)
    {
        var refused = Assert.Throws<ImClientException>(() => ChatEndpoint.Parse(text));
        Assert.Equal($"chat endpoint '{text}' is not host:port or tls://host:port", refused.Message);
    }

    // The token never went to a refused server: not a single frame, not even Auth.
    private static async Task AssertNothingSentAsync(FakeChatServer server, CancellationToken ct)
    {
        Assert.Empty(await DrainAsync(server, ct));
        Assert.Equal(0, server.Received);
    }

    private static async Task<List<Frame>> DrainAsync(FakeChatServer server, CancellationToken ct)
    {
        var frames = new List<Frame>();
        try
        {
            while (true)
            {
                frames.Add(await server.NextRequestAsync(ct));
            }
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            return frames;
        }
    }
}
