using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Grpc.Net.Client;
using ImCells.Protos.Master;
using ImCells.Server.Hosting;
using ImCells.Server.Security;
using ImCells.Trust;
using ImCells.Unit.Tests.Trust;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ImCells.Unit.Tests.Security;

/// <summary>The login and chat endpoints (<see cref="TlsListen.ListenForClients"/>): TLS without a client certificate, plaintext only where allowed.</summary>
public sealed class ClientFacingTlsTests : IDisposable
{
    private readonly TestPki _pki = new();

    public void Dispose() => _pki.Dispose();

    [Fact]
    public async Task TlsChatPort_HandsTheDecryptedConnectionToTheHandler()
    {
        var cell = _pki.Credentials(ClusterIdentity.Cell("a"));
        await using var server = await TlsTestServer.StartAsync(cell, (kestrel, endpoint, services) =>
            kestrel.ListenForClients(endpoint, tls: true, "chat endpoint", "tls://", services, o => o.UseConnectionHandler<Echo>()));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port);
        await using var tls = new SslStream(tcp.GetStream());
        // A device presents no certificate and checks the server against the cluster CA.
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => cell.Trust.TryValidate(certificate, out var identity, out _) && identity == ClusterIdentity.Cell("a"),
        });
        await tls.WriteAsync("ping"u8.ToArray());
        var echoed = new byte[4];
        await tls.ReadExactlyAsync(echoed);

        Assert.Equal("ping"u8.ToArray(), echoed);
    }

    [Fact]
    public async Task TlsLogin_ServesGrpcWithoutAClientCertificate()
    {
        var login = _pki.Credentials(ClusterIdentity.Login(0));
        await using var server = await TlsTestServer.StartAsync(login, (kestrel, endpoint, services) =>
            kestrel.ListenForClients(endpoint, tls: true, "login", "https://", services, o => o.Protocols = HttpProtocols.Http2));
        using var channel = GrpcChannel.ForAddress(server.Url, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { SslOptions = ClusterTls.ClientOptions(login.Trust, null, id => id == ClusterIdentity.Login(0)) },
        });

        var reply = await new Protos.Master.Master.MasterClient(channel).LocateAsync(new LocateRequest { UserId = 1 }, deadline: DateTime.UtcNow.AddSeconds(10));

        Assert.Equal("", reply.CellId);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void PlaintextOnLoopback_IsAllowedQuietly(string address)
    {
        var logger = new ListLogger();

        PlaintextPolicy.Check(new IPEndPoint(IPAddress.Parse(address), 7301), "chat endpoint", "tls://", new TlsOptions(), logger);

        Assert.Empty(logger.Lines);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("0.0.0.0")]
    public void PlaintextOffLoopback_StopsTheServerWithOneLine(string address)
    {
        var e = Assert.Throws<StartupException>(() => PlaintextPolicy.Check(
            new IPEndPoint(IPAddress.Parse(address), 7301), $"chat endpoint {address}:7301", $"tls://{address}:7301", new TlsOptions(), new ListLogger()));

        Assert.Equal(
            $"chat endpoint {address}:7301 is plaintext on an address other machines can reach: write tls://{address}:7301, or set Tls:AllowPlaintext=true to accept the risk",
            e.Message);
        Assert.Equal(1, e.ExitCode);
    }

    [Fact]
    public void PlaintextOffLoopback_WithAllowPlaintext_IsAllowedWithAWarning()
    {
        var logger = new ListLogger();

        PlaintextPolicy.Check(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 7100), "login http://10.1.2.3:7100", "https://10.1.2.3:7100",
            new TlsOptions { AllowPlaintext = true }, logger);

        var (level, line) = Assert.Single(logger.Lines);
        Assert.Equal(LogLevel.Warning, level);
        Assert.StartsWith("PLAINTEXT: login http://10.1.2.3:7100 has no TLS", line, StringComparison.Ordinal);
    }

    private sealed class Echo : ConnectionHandler
    {
        public override async Task OnConnectedAsync(ConnectionContext connection)
        {
            var read = await connection.Transport.Input.ReadAtLeastAsync(4);
            foreach (var segment in read.Buffer)
            {
                await connection.Transport.Output.WriteAsync(segment);
            }

            connection.Transport.Input.AdvanceTo(read.Buffer.End);
        }
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Line)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((logLevel, formatter(state, exception)));
    }
}
