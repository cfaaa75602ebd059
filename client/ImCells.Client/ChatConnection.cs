using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using Google.Protobuf;
using ImCells.Protos;
using ImCells.Protos.Client;
using ImCells.Trust;

namespace ImCells.Client;

/// <summary>
/// One authenticated TCP connection to a chat server (TLS for a tls:// endpoint, under the same
/// pipes): a read loop that matches responses to pending requests by seq and hands notifies to the
/// owner, serialized writes, and a heartbeat that declares the connection dead when a ping goes
/// unanswered. It never reconnects; the owner watches <see cref="Completion"/> and builds a new one.
/// </summary>
internal sealed partial class ChatConnection : IAsyncDisposable
{
    // Responses may legitimately be larger than what the server accepts from us (a sync page): accept
    // every frame a server may send (FrameCodec.MaxServerFrameBytes), with room to spare.
    internal const int MinIncomingFrameBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Frame>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan _requestTimeout;
    private int _seq;
    private int _closed;
    private int _maxIncomingFrameBytes = MinIncomingFrameBytes;
    private int _maxOutgoingFrameBytes = FrameCodec.DefaultMaxFrameBytes;
    private Action<ChatConnection, Frame>? _onNotify;
    private Task _readLoop = Task.CompletedTask;
    private Task _heartbeatLoop = Task.CompletedTask;

    private ChatConnection(Socket socket, Stream stream, string endpoint, TimeSpan requestTimeout)
    {
        _socket = socket;
        _stream = stream;
        Endpoint = endpoint;
        _requestTimeout = requestTimeout;
        // The pipes leave the stream open: DisposeAsync disposes it once neither can be using it.
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    public string Endpoint { get; }

    public AuthOk AuthOk { get; private set; } = new();

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Completes with the reason once the connection is gone, whoever closed it.</summary>
    public Task<string> Completion => _completion.Task;

    /// <summary>Set when the server sent Kicked: the owner must not reconnect on its own.</summary>
    public string? KickedReason { get; private set; }

    /// <summary>
    /// Opens the socket, runs the TLS handshake for a tls:// endpoint (each within
    /// <paramref name="connectTimeout"/>) and authenticates; the read loop starts only with <see cref="Start"/>.
    /// </summary>
    /// <param name="trust">The cluster CA that a tls:// server must chain to; null for the system's trust store.</param>
    /// <param name="cellId">The cell login sent us to: a tls:// server must be one of its serving places.</param>
    public static async Task<ChatConnection> ConnectAsync(
        string endpoint, Auth auth, ClusterTrust? trust, string cellId, TimeSpan connectTimeout, TimeSpan requestTimeout, CancellationToken ct)
    {
        var target = ChatEndpoint.Parse(endpoint);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        try
        {
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(connectTimeout);
                try
                {
                    await socket.ConnectAsync(target.Host, target.Port, timeout.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw ImClientException.Unavailable(
                        $"cannot connect to chat server {endpoint}: no answer within {connectTimeout.TotalSeconds:0.###} s");
                }
                catch (SocketException e)
                {
                    throw ImClientException.Unavailable($"cannot connect to chat server {endpoint}: {e.Message}", e);
                }
            }

            stream = target.Tls
                ? await ChatTls.HandshakeAsync(socket, endpoint, target, trust, cellId, connectTimeout, ct)
                : new NetworkStream(socket, ownsSocket: false);
            var connection = new ChatConnection(socket, stream, endpoint, requestTimeout);
            try
            {
                await connection.AuthenticateAsync(auth, ct);
                return connection;
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }
        catch
        {
            if (stream is not null)
            {
                await stream.DisposeAsync();
            }

            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts reading frames and pinging. Notifies go to <paramref name="onNotify"/> in arrival order.</summary>
    public void Start(Action<ChatConnection, Frame> onNotify)
    {
        _onNotify = onNotify;
        _readLoop = Task.Run(ReadLoopAsync);
        _heartbeatLoop = Task.Run(HeartbeatLoopAsync);
    }

    /// <summary>Declares the connection dead; pending requests fail with UNAVAILABLE.</summary>
    public void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _closing.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer: nothing left to shut down.
        }

        _socket.Dispose();
        foreach (var seq in _pending.Keys)
        {
            if (_pending.TryRemove(seq, out var pending))
            {
                pending.TrySetException(ImClientException.Unavailable($"connection lost ({reason})"));
            }
        }

        _completion.TrySetResult(reason);
    }

    public async ValueTask DisposeAsync()
    {
        Abort("closed by client");
        await Task.WhenAll(_readLoop, _heartbeatLoop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _reader.CompleteAsync();
        await _writeLock.WaitAsync();
        try
        {
            // Completed with an error, so it does not try to send what a cancelled flush left behind:
            // the socket is gone, and the attempt would throw out of DisposeAsync.
            await _writer.CompleteAsync(new ObjectDisposedException(nameof(ChatConnection)));
        }
        finally
        {
            _writeLock.Release();
        }

        // Last: an SslStream must not be disposed under a read or a write.
        await _stream.DisposeAsync();
    }

    /// <summary>Sends a request and waits for the response with the same seq.</summary>
    public async Task<Frame> RequestAsync(Frame request, CancellationToken ct)
    {
        var name = request.BodyCase.ToString();
        uint seq;
        do
        {
            seq = (uint)Interlocked.Increment(ref _seq);
        }
        while (seq == 0);

        request.Seq = seq;
        var response = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[seq] = response;
        try
        {
            // Abort may have swept the map just before we added to it.
            ThrowIfClosed();
            await WriteAsync(request, ct);
            var frame = await response.Task.WaitAsync(_requestTimeout, ct);
            if (frame.BodyCase == Frame.BodyOneofCase.Error)
            {
                throw new ImClientException(frame.Error.Code, frame.Error.Message);
            }

            return frame;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"{name} request (seq {seq}) to {Endpoint} got no response within {_requestTimeout.TotalSeconds:0.###} s");
        }
        finally
        {
            _pending.TryRemove(seq, out _);
        }
    }

    private async Task AuthenticateAsync(Auth auth, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_requestTimeout);
        Frame response;
        try
        {
            await WriteAsync(new Frame { Seq = 1, Auth = auth }, timeout.Token);
            response = await ReadOneAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"Auth request to {Endpoint} got no response within {_requestTimeout.TotalSeconds:0.###} s");
        }
        catch (IOException e)
        {
            throw ImClientException.Unavailable($"chat server {Endpoint} closed the connection during auth: {e.Message}", e);
        }

        _seq = 1;
        switch (response.BodyCase)
        {
            case Frame.BodyOneofCase.AuthOk:
                AuthOk = response.AuthOk;
                if (AuthOk.MaxFrameBytes > 0)
                {
                    _maxOutgoingFrameBytes = (int)Math.Min(AuthOk.MaxFrameBytes, int.MaxValue);
                    _maxIncomingFrameBytes = Math.Max(_maxOutgoingFrameBytes, MinIncomingFrameBytes);
                }

                return;
            case Frame.BodyOneofCase.Error:
                throw new ImClientException(response.Error.Code, response.Error.Message);
            default:
                throw new ImClientException(
                    ErrorCode.MalformedFrame, $"chat server {Endpoint} answered Auth with {response.BodyCase}");
        }
    }

    /// <summary>Reads exactly one frame, leaving whatever follows it in the pipe for the read loop.</summary>
    private async Task<Frame> ReadOneAsync(CancellationToken ct)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(ct);
            var buffer = result.Buffer;
            var status = FrameCodec.TryRead(ref buffer, _maxIncomingFrameBytes, out var frame);
            if (status == FrameReadStatus.Frame)
            {
                _reader.AdvanceTo(buffer.Start);
                return frame!;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            ThrowIfBadFrame(status);
            if (result.IsCompleted)
            {
                throw ImClientException.Unavailable($"chat server {Endpoint} closed the connection during auth");
            }
        }
    }

    private async Task ReadLoopAsync()
    {
        var reason = "closed by server";
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(_closing.Token);
                var buffer = result.Buffer;
                try
                {
                    while (true)
                    {
                        var status = FrameCodec.TryRead(ref buffer, _maxIncomingFrameBytes, out var frame);
                        if (status == FrameReadStatus.Incomplete)
                        {
                            break;
                        }

                        ThrowIfBadFrame(status);
                        Dispatch(frame!);
                    }

                    if (result.IsCompleted)
                    {
                        reason = KickedReason is null ? "closed by server" : $"kicked: {KickedReason}";
                        return;
                    }
                }
                finally
                {
                    _reader.AdvanceTo(buffer.Start, buffer.End);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Abort already recorded why.
        }
        catch (Exception e) when (e is IOException or SocketException or ImClientException or ObjectDisposedException)
        {
            reason = e.Message;
        }
        finally
        {
            Abort(reason);
        }
    }

    private void Dispatch(Frame frame)
    {
        if (frame.Seq != 0)
        {
            // A response whose request already timed out has nobody waiting: drop it.
            if (_pending.TryRemove(frame.Seq, out var pending))
            {
                pending.TrySetResult(frame);
            }

            return;
        }

        if (frame.BodyCase == Frame.BodyOneofCase.Kicked)
        {
            KickedReason = frame.Kicked.Reason;
        }

        _onNotify?.Invoke(this, frame);
    }

    private async Task HeartbeatLoopAsync()
    {
        var interval = TimeSpan.FromSeconds(AuthOk.HeartbeatSeconds > 0 ? AuthOk.HeartbeatSeconds : 30);
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token))
            {
                try
                {
                    await PingAsync(_closing.Token);
                }
                catch (TimeoutException e)
                {
                    Abort($"heartbeat failed: {e.Message}");
                    return;
                }
                catch (ImClientException e) when (e.Code != ErrorCode.Unavailable)
                {
                    // The server answered, even if with an error: the connection is alive.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing.
        }
        catch (ImClientException)
        {
            // UNAVAILABLE: the connection is already gone.
        }
    }

    private async Task WriteAsync(Frame frame, CancellationToken ct)
    {
        var size = frame.CalculateSize();
        if (size > _maxOutgoingFrameBytes)
        {
            throw new ImClientException(
                ErrorCode.FrameTooLarge,
                $"{frame.BodyCase} frame of {size} bytes exceeds the server's max_frame_bytes ({_maxOutgoingFrameBytes})");
        }

        await _writeLock.WaitAsync(ct);
        try
        {
            ThrowIfClosed();
            FrameCodec.Write(_writer, frame);
            // Flush on the connection's token, not the caller's: a half-written frame would corrupt the stream.
            var flush = await _writer.FlushAsync(_closing.Token);
            if (flush.IsCompleted)
            {
                throw ImClientException.Unavailable($"chat server {Endpoint} closed the connection");
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException
                                      || (e is OperationCanceledException && _closing.IsCancellationRequested))
        {
            Abort(e.Message);
            throw ImClientException.Unavailable($"connection lost ({e.Message})", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (IsClosed)
        {
            throw ImClientException.Unavailable(
                $"connection lost ({(_completion.Task.IsCompleted ? _completion.Task.Result : "closing")})");
        }
    }

    private void ThrowIfBadFrame(FrameReadStatus status)
    {
        switch (status)
        {
            case FrameReadStatus.TooLarge:
                throw new ImClientException(
                    ErrorCode.FrameTooLarge, $"chat server {Endpoint} sent a frame over {_maxIncomingFrameBytes} bytes");
            case FrameReadStatus.Malformed:
                throw new ImClientException(ErrorCode.MalformedFrame, $"chat server {Endpoint} sent a malformed frame");
        }
    }
}
