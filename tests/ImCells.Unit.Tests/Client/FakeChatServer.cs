using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using ImCells.Client;
using ImCells.Protos;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// A chat server the test scripts by hand, on a real loopback socket and the real framing
/// (<see cref="FrameCodec"/>): it answers Auth with AuthOk, Ping with Pong and Ack with AckOk by
/// itself, and hands every other request to the test, which answers it (or not) and pushes
/// notifies when it likes. One client connection.
/// </summary>
internal sealed class FakeChatServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<Frame> _requests = Channel.CreateUnbounded<Frame>();
    private readonly TaskCompletionSource<(PipeWriter Writer, Socket Socket)> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly AuthOk _authOk;
    private readonly Task _serving;

    private FakeChatServer(AuthOk authOk)
    {
        _authOk = authOk;
        _listener.Start();
        _serving = ServeAsync();
    }

    public ulong UserId => _authOk.UserId;

    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Listens on a free loopback port; the client that connects is <paramref name="userId"/> with mailbox head <paramref name="headSeq"/>.</summary>
    public static FakeChatServer Start(ulong userId = 10_000_001, ulong headSeq = 0) => new(new AuthOk
    {
        UserId = userId,
        CellId = "fake",
        HeadSeq = headSeq,
        HeartbeatSeconds = 30,
        MaxFrameBytes = FrameCodec.DefaultMaxFrameBytes,
    });

    /// <summary>An <see cref="ImClient"/> whose logins all point at this server (no login server involved).</summary>
    public Task<ImClient> ConnectClientAsync(CancellationToken ct) =>
        ImClient.ConnectAsync(
            new ImClientOptions { LoginUrl = "http://unused", UserId = UserId, Password = "pw", DeviceId = "test", AutoReconnect = false },
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

    public async ValueTask DisposeAsync()
    {
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
        using var socket = await _listener.AcceptSocketAsync(_stop.Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var reader = PipeReader.Create(stream);
        _connected.TrySetResult((PipeWriter.Create(stream), socket));
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var frame) == FrameReadStatus.Frame)
                {
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
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            _requests.Writer.TryComplete();
        }
    }

    private Task HandleAsync(Frame request) => request.BodyCase switch
    {
        Frame.BodyOneofCase.Auth => ReplyAsync(request, new Frame { AuthOk = _authOk }),
        Frame.BodyOneofCase.Ping => ReplyAsync(request, new Frame { Pong = new Pong { ClientTimeMs = request.Ping.ClientTimeMs } }),
        Frame.BodyOneofCase.Ack => ReplyAsync(request, new Frame { AckOk = new AckOk() }),
        _ => _requests.Writer.WriteAsync(request).AsTask(),
    };
}
