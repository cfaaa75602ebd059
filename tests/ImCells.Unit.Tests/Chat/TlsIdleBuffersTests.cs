using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImCells.Cell.Chat;

namespace ImCells.Unit.Tests.Chat;

/// <summary>
/// SSL_MODE_RELEASE_BUFFERS on a chat connection's server-side TLS: it must take on the runtime the
/// cell ships on (private SslStream state: a runtime update that moves it fails here, not silently),
/// and the connection must carry data both ways afterwards, records larger than one buffer included.
/// </summary>
public sealed class TlsIdleBuffersTests
{
    [Fact]
    public async Task ReleaseBuffersMode_TakesOnAServerStream_AndTheConnectionStillCarriesData()
    {
        Assert.True(TlsIdleBuffers.Supported, "this runtime's SslStream layout is not known to TlsIdleBuffers");
        using var certificate = SelfSigned();
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var accepted = await listener.AcceptTcpClientAsync();
        await using var server = new SslStream(accepted.GetStream());
        await using var device = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        await Task.WhenAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }),
            device.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }));

        Assert.True(TlsIdleBuffers.TryApply(server));

        var big = RandomNumberGenerator.GetBytes(100_000); // several 16 KB records
        for (var round = 0; round < 3; round++)
        {
            await device.WriteAsync(big);
            Assert.Equal(big, await ReadExactly(server, big.Length));
            await server.WriteAsync(big);
            Assert.Equal(big, await ReadExactly(device, big.Length));
        }
    }

    private static async Task<byte[]> ReadExactly(Stream stream, int length)
    {
        var buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        return buffer;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Re-imported so the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
