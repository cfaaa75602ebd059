using System.Buffers.Binary;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cluster.Tests;

/// <summary>
/// The client protocol by hand, for what the client library would never do: stay silent, or send
/// and hang up without waiting for the answer. One TCP connection, 4-byte big-endian length then
/// a Frame (like bench/ImCells.Bench/LeanConnection.cs); TLS for a tls:// endpoint.
/// </summary>
internal sealed class RawChatConnection : IDisposable
{
    private static readonly TimeSpan ReadBound = TimeSpan.FromSeconds(15);

    private readonly TcpClient _tcp;
    private readonly Stream _stream;

    private RawChatConnection(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    /// <summary>Logs in through <paramref name="loginUrl"/>, connects to the first chat server handed out and authenticates.</summary>
    public static async Task<(RawChatConnection Connection, AuthOk AuthOk)> AuthenticateAsync(
        string loginUrl, ulong user, string password, string device, CancellationToken ct, X509Certificate2? trustedCa = null)
    {
        using var api = new LoginApi(loginUrl, trustedCa);
        var login = await api.LoginAsync(user, password, device, ct);
        var (connection, reply) = await AuthenticateAsync(login, device, ct);
        if (reply?.BodyCase == Frame.BodyOneofCase.AuthOk)
        {
            return (connection, reply.AuthOk);
        }

        connection.Dispose();
        throw new InvalidOperationException($"expected AuthOk from {login.ChatEndpoints[0]}, got {reply?.ToString() ?? "a close"}");
    }

    /// <summary>Connects to the first chat server of <paramref name="login"/> and sends Auth with its token; returns the answer (null: a close).</summary>
    public static async Task<(RawChatConnection Connection, Frame? Reply)> AuthenticateAsync(LoginResult login, string device, CancellationToken ct)
    {
        var endpoint = login.ChatEndpoints[0];
        var tls = endpoint.StartsWith("tls://", StringComparison.Ordinal);
        var address = tls ? endpoint["tls://".Length..] : endpoint;
        var colon = address.LastIndexOf(':');
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(address[..colon], int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture), ct);
            Stream stream = tcp.GetStream();
            if (tls)
            {
                // Any server certificate: these tests are about what the server does, not the client's trust.
                var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = address[..colon],
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, ct);
                stream = ssl;
            }

            var connection = new RawChatConnection(tcp, stream);
            await connection.WriteAsync(new Frame { Seq = 1, Auth = new Auth { Token = login.Token, DeviceId = device } }, ct);
            return (connection, await connection.ReadAsync(ct));
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task WriteAsync(Frame frame, CancellationToken ct)
    {
        var body = frame.ToByteArray();
        var buffer = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)body.Length);
        body.CopyTo(buffer, 4);
        await _stream.WriteAsync(buffer, ct);
        await _stream.FlushAsync(ct);
    }

    /// <summary>One frame, or null when the connection ended; at most 15 s.</summary>
    public async Task<Frame?> ReadAsync(CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(ReadBound);
        var header = new byte[4];
        try
        {
            await _stream.ReadExactlyAsync(header, wait.Token);
            var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(header)];
            await _stream.ReadExactlyAsync(body, wait.Token);
            return Frame.Parser.ParseFrom(body);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    /// <summary>Reads (and drops) whatever the server pushes; true once the server closed the connection.</summary>
    public async Task<bool> DrainUntilClosedAsync(CancellationToken ct)
    {
        var buffer = new byte[4096];
        try
        {
            while (await _stream.ReadAsync(buffer, ct) > 0)
            {
            }

            return true;
        }
        catch (IOException)
        {
            return true; // reset: closed just as well
        }
    }

    /// <summary>Connects to a chat endpoint ("host:port") and sends nothing yet.</summary>
    public static async Task<RawChatConnection> ConnectAsync(string endpoint, CancellationToken ct)
    {
        var colon = endpoint.LastIndexOf(':');
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture), ct);
            return new RawChatConnection(tcp, tcp.GetStream());
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends bytes as they are: a length prefix and a body of the caller's making, or none.</summary>
    public async Task WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        await _stream.WriteAsync(bytes, ct);
        await _stream.FlushAsync(ct);
    }

    public void Dispose()
    {
        _stream.Dispose();
        _tcp.Dispose();
    }
}
