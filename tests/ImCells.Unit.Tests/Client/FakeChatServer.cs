using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using ImCells.Client;
using ImCells.Protos;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// A chat server the test scripts by hand, on a real loopback socket and the real framing
/// (<see cref="FrameCodec"/>): it answers Auth with AuthOk, Ping with Pong and Ack with AckOk by
/// itself, and hands every other request to the test, which answers it (or not) and pushes
/// notifies when it likes. One client connection; with a certificate it speaks TLS (a tls:// endpoint).
/// </summary>
internal sealed class FakeChatServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<Frame> _requests = Channel.CreateUnbounded<Frame>();
    private readonly TaskCompletionSource<(PipeWriter Writer, Socket Socket)> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly AuthOk _authOk;
    private readonly X509Certificate2? _certificate;
    private readonly TaskCompletionSource<Exception?> _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _serving;
    private int _received;
    private int _disposed;

    private FakeChatServer(AuthOk authOk, X509Certificate2? certificate)
    {
        _authOk = authOk;
        _certificate = certificate;
        _listener.Start();
        _serving = ServeAsync();
    }

    public ulong UserId => _authOk.UserId;

    public string Endpoint => (_certificate is null ? "" : "tls://") + $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The server's side of the TLS handshake: null once it succeeded, else how it failed.</summary>
    public Task<Exception?> Handshake => _handshake.Task;

    /// <summary>Frames received so far, including those answered by the server itself (Auth, Ping, Ack).</summary>
    public int Received => Volatile.Read(ref _received);

    /// <summary>
    /// Listens on a free loopback port; the client that connects is <paramref name="userId"/> of
    /// <paramref name="cellId"/> with mailbox head <paramref name="headSeq"/>. With
    /// <paramref name="certificate"/> the connection is TLS.
    /// </summary>
    public static FakeChatServer Start(ulong userId = 10_000_001, ulong headSeq = 0, string cellId = "fake", X509Certificate2? certificate = null) => new(
        new AuthOk
        {
            UserId = userId,
            CellId = cellId,
            HeadSeq = headSeq,
            HeartbeatSeconds = 30,
            MaxFrameBytes = FrameCodec.DefaultMaxFrameBytes,
        },
        certificate);

    /// <summary>
    /// An <see cref="ImClient"/> whose logins all point at this server (no login server involved) and
    /// name its cell; <paramref name="trustedCa"/> checks a TLS server; <paramref name="resumeFromDeviceCursor"/>
    /// makes it ask the server where to resume (<see cref="ImClientOptions.ResumeFromDeviceCursor"/>).
    /// </summary>
    public Task<ImClient> ConnectClientAsync(CancellationToken ct, X509Certificate2? trustedCa = null, bool resumeFromDeviceCursor = false) =>
        ImClient.ConnectAsync(
            new ImClientOptions
            {
                LoginUrl = "http://unused", UserId = UserId, Password = "pw", DeviceId = "test", AutoReconnect = false, TrustedCa = trustedCa,
                ResumeFromDeviceCursor = resumeFromDeviceCursor,
            },
            _ => Task.FromResult(new LoginResult(UserId, "token", _authOk.CellId, [Endpoint], DateTimeOffset.UtcNow.AddHours(1), "tester")),
            ct);

    /// <summary>The next request the server did not answer by itself.</summary>
    public async Task<Frame> NextRequestAsync(CancellationToken ct) => await _requests.Reader.ReadAsync(ct);

    /// <summary>Requests that arrived and are not yet taken, without waiting.</summary>
    public List<Frame> PendingRequests()
    {
        var pending = new List<Frame>();
        while (_requests.Reader.TryRead(out var frame))
        {
            pending.Add(frame);
        }

        return pending;
    }

    /// <summary>Answers <paramref name="request"/> (same seq).</summary>
    public Task ReplyAsync(Frame request, Frame response)
    {
        response.Seq = request.Seq;
        return WriteAsync(response);
    }

    /// <summary>A notify (seq 0), e.g. a NewMessage.</summary>
    public Task PushAsync(Frame notify)
    {
        notify.Seq = 0;
        return WriteAsync(notify);
    }

    /// <summary>Drops the client's connection and stops listening; a test may call it early, to cut the client off.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        _listener.Stop();
        if (_connected.Task.IsCompletedSuccessfully)
        {
            _connected.Task.Result.Socket.Dispose();
        }

        await _serving.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task WriteAsync(Frame frame)
    {
        var (writer, _) = await _connected.Task;
        await _writeLock.WaitAsync();
        try
        {
            FrameCodec.Write(writer, frame);
            await writer.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ServeAsync()
    {
        Stream? stream = null;
        try
        {
            using var socket = await _listener.AcceptSocketAsync(_stop.Token);
            stream = await OpenAsync(socket);
            var reader = PipeReader.Create(stream);
            _connected.TrySetResult((PipeWriter.Create(stream), socket));
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var frame) == FrameReadStatus.Frame)
                {
                    Interlocked.Increment(ref _received);
                    await HandleAsync(frame!);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    _requests.Writer.TryComplete();
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException
                                      or AuthenticationException)
        {
            _handshake.TrySetResult(e);
            _requests.Writer.TryComplete();
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }
        }
    }

    private async Task<Stream> OpenAsync(Socket socket)
    {
        var stream = new NetworkStream(socket, ownsSocket: false);
        if (_certificate is null)
        {
            return stream;
        }

        var tls = new SslStream(stream);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
        _handshake.TrySetResult(null);
        return tls;
    }

    private Task HandleAsync(Frame request) => request.BodyCase switch
    {
        Frame.BodyOneofCase.Auth => ReplyAsync(request, new Frame { AuthOk = _authOk }),
        Frame.BodyOneofCase.Ping => ReplyAsync(request, new Frame { Pong = new Pong { ClientTimeMs = request.Ping.ClientTimeMs } }),
        Frame.BodyOneofCase.Ack => ReplyAsync(request, new Frame { AckOk = new AckOk() }),
        _ => _requests.Writer.WriteAsync(request).AsTask(),
    };
}
