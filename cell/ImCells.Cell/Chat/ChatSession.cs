using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using ImCells.Protos;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using ImCells.Server.Observability;

namespace ImCells.Cell.Chat;

/// <summary>
/// One client connection: a read loop that parses every whole frame in the buffer (length checked
/// before buffering), and a single writer that drains the outgoing queue and flushes once per
/// batch. Any bad input ends with an Error frame and a close; nothing thrown here escapes.
/// What waits for the client is bounded in frames (Chat:MaxPendingFrames) and in bytes
/// (Chat:MaxPendingBytes, counted from queueing until the transport has taken the bytes): a client
/// that does not read is closed, whatever it asks for.
/// An idle connection holds as little as possible: no timer of its own (the auth and heartbeat
/// timeouts are entries in the listener's <see cref="ConnectionTimeouts"/>), one cancellation
/// source, a pending read without a cancellation registration, and no writer parked while nothing
/// is queued (a write is started on the thread pool when a frame is queued; see OutgoingQueue.cs).
/// </summary>
internal sealed partial class ChatSession : TimeoutEntry
{
    private readonly IDuplexPipe _transport;
    private readonly IChatBackend _backend;
    private readonly ChatOptions _options;
    private readonly ILogger _logger;
    /// <summary>Cancelled when the session must end: aborted, closed, timed out or the listener stopping.</summary>
    private readonly CancellationTokenSource _stop = new();
    private readonly ConnectionTimeouts _timeouts;
    private readonly bool _ownsTimeouts;
    private readonly Lock _gate = new();
    private List<Outgoing>? _early = [];
    private volatile bool _ready;
    private volatile bool _kicked;
    private volatile bool _closing;
    private volatile bool _timedOut;
    /// <summary>Closed from outside or as a slow reader: nothing more is queued for it (a timeout or a close still lets frames in).</summary>
    private volatile bool _aborted;
    private long _pendingBytes;
    private int _slowReaderLogged;
    private bool _attached;
    private RequestRate _rate; // a mutable struct: not readonly
    private readonly TimeProvider _time;
    private readonly Action? _abortTransport;

    /// <param name="abortTransport">
    /// Drops the connection at once (its socket); called when the client does not take what it was
    /// sent, whose unsent bytes would otherwise keep the transport waiting for ever.
    /// </param>
    /// <param name="timeouts">
    /// The listener's shared auth and heartbeat timeouts (on the same clock as <paramref name="time"/>);
    /// without one the session keeps its own.
    /// </param>
    public ChatSession(
        IDuplexPipe transport, IChatBackend backend, ChatOptions options, TimeProvider time, ILogger logger, string connectionId, string remote,
        string local = "", Action? abortTransport = null, ConnectionTimeouts? timeouts = null)
    {
        LocalEndpoint = local;
        _abortTransport = abortTransport;
        _rate = new RequestRate(options.MaxRequestsPerSecond, time);
        _time = time;
        _ownsTimeouts = timeouts is null;
        _timeouts = timeouts ?? new ConnectionTimeouts(time, options.AuthTimeout, options.IdleTimeout);
        _transport = transport;
        _backend = backend;
        _options = options;
        _logger = logger;
        ConnectionId = connectionId;
        Remote = remote;
    }

    public string ConnectionId { get; }

    public string Remote { get; }

    public ulong UserId { get; private set; }

    public string DeviceId { get; private set; } = "";

    /// <summary>The user's home cell; not this cell when the user roams here.</summary>
    public string HomeCell { get; private set; } = "";

    /// <summary>The login token the device authenticated with: a serving place shows it to the home cell to act for the device.</summary>
    public string Token { get; private set; } = "";

    /// <summary>The chat endpoint this connection came in on, for location records.</summary>
    public string LocalEndpoint { get; }

    public bool IsAuthenticated => UserId != 0;

    /// <summary>Bytes of frames queued for this connection or still being flushed to the transport.</summary>
    internal long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>
    /// Queues a notify without waiting. Before the AuthOk has been queued, notifies are held back
    /// so the client sees AuthOk first. A full queue (in frames or in bytes) means a slow reader:
    /// it is disconnected. The frame must not change once pushed (its size is measured here).
    /// </summary>
    public bool TryPush(Frame frame)
    {
        var size = frame.CalculateSize();
        if (size > FrameCodec.MaxServerFrameBytes)
        {
            SessionLog.OversizedFrame(_logger, ConnectionId, UserId, frame.BodyCase.ToString(), size, FrameCodec.MaxServerFrameBytes);
            return false;
        }

        var item = new Outgoing(frame, size);
        if (!_ready)
        {
            lock (_gate)
            {
                if (_early is not null)
                {
                    if (_aborted || !TryReserve(item))
                    {
                        return false;
                    }

                    _early.Add(item);
                    Pushed(frame);
                    return true;
                }
            }
        }

        if (!TryEnqueue(item))
        {
            return false;
        }

        Pushed(frame);
        return true;
    }

    /// <summary>Counts a notify queued for the client by what it carries.</summary>
    private static void Pushed(Frame frame)
    {
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.NewMessage or Frame.BodyOneofCase.GroupNew:
                MessageMetrics.MessageDelivered();
                break;
            case Frame.BodyOneofCase.Presence:
                PresenceMetrics.NotificationQueued();
                break;
        }
    }

    /// <summary>Closes the connection from outside (slow reader, kicked, shutdown).</summary>
    public void Abort()
    {
        _aborted = true;
        End();
    }

    /// <summary>Ends the read loop: cancels what it waits for.</summary>
    private void End()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        // The read waits without a cancellation token (no registration held while idle): end it here.
        CancelPendingRead();
    }

    /// <summary>The auth or heartbeat timeout passed (called by <see cref="ConnectionTimeouts"/>).</summary>
    public override void OnTimedOut()
    {
        _timedOut = true;
        End();
    }

    /// <summary>The listener stops: the cell shuts down.</summary>
    public override void OnStopped() => End();

    /// <summary>
    /// Tells the client why (a Kicked notify) and closes the connection once the request being
    /// handled, if any, has been answered: a device that logs itself out still gets its answer.
    /// </summary>
    public void Kick(string reason)
    {
        TryPush(new Frame { Kicked = new Kicked { Reason = reason } });
        _kicked = true;
        // Ends a read in progress; otherwise the read loop sees the flag after the current request.
        CancelPendingRead();
    }

    private void CancelPendingRead()
    {
        try
        {
            _transport.Input.CancelPendingRead();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The connection is already over.
        }
    }

    public async Task RunAsync(CancellationToken connectionClosed)
    {
        using var closed = connectionClosed.UnsafeRegister(static s => ((ChatSession)s!).End(), this);
        _timeouts.Add(this);
        try
        {
            await ReadLoopAsync(_stop.Token);
        }
        catch (OperationCanceledException) when (_timedOut && !connectionClosed.IsCancellationRequested)
        {
            if (IsAuthenticated)
            {
                SessionLog.HeartbeatTimeout(_logger, ConnectionId, UserId, DeviceId, _options.IdleTimeout.TotalSeconds);
            }
            else
            {
                SessionLog.AuthTimeout(_logger, ConnectionId, Remote);
                Fail(0, ErrorCode.AuthTimeout, $"no Auth frame within {_options.AuthTimeoutSeconds} s");
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (IOException e)
        {
            SessionLog.TransportError(_logger, ConnectionId, e.Message);
        }
        catch (Exception e)
        {
            SessionLog.Unexpected(_logger, e, ConnectionId);
            Fail(0, ErrorCode.Internal, "internal error");
        }
        finally
        {
            _timeouts.Remove(this);
            if (_attached)
            {
                _backend.Detach(this);
            }

            _closing = true;
            var writer = CompleteOutgoing();
            var drained = Volatile.Read(ref _slowReaderLogged) == 0;
            try
            {
                // The writer flushes a final Error frame; a peer that stopped reading gets 2 s, a slow reader none.
                await writer.WaitAsync(drained ? TimeSpan.FromSeconds(2) : TimeSpan.Zero);
            }
            catch (TimeoutException)
            {
                drained = false;
            }

            if (!drained && _abortTransport is not null)
            {
                // The writer waits for a client that reads nothing: drop the socket, which ends its flush.
                _abortTransport();
                await writer.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await _transport.Input.CompleteAsync();
            // With an error when not drained: what is left unsent is dropped, not written.
            await _transport.Output.CompleteAsync(drained ? null : new ConnectionAbortedException("the client does not read what it is sent"));
            if (_ownsTimeouts)
            {
                _timeouts.Dispose();
            }

            SessionLog.Closed(_logger, ConnectionId, UserId, DeviceId);
        }
    }

    private async Task ReadLoopAsync(CancellationToken stop)
    {
        var input = _transport.Input;
        while (true)
        {
            // No token: a token would hold a registration for as long as the connection is idle; Abort cancels the read instead.
            var result = await input.ReadAsync();
            stop.ThrowIfCancellationRequested();
            var buffer = result.Buffer;
            try
            {
                while (true)
                {
                    var status = FrameCodec.TryRead(ref buffer, _options.MaxFrameBytes, out var frame);
                    if (status == FrameReadStatus.Incomplete)
                    {
                        break;
                    }

                    if (status == FrameReadStatus.TooLarge)
                    {
                        SessionLog.BadFrame(_logger, ConnectionId, Remote, "oversized frame");
                        Fail(0, ErrorCode.FrameTooLarge, $"frame larger than {_options.MaxFrameBytes} bytes (Chat:MaxFrameBytes)");
                        return;
                    }

                    if (status == FrameReadStatus.Malformed)
                    {
                        SessionLog.BadFrame(_logger, ConnectionId, Remote, "malformed frame");
                        Fail(0, ErrorCode.MalformedFrame, "frame is not a valid protobuf Frame");
                        return;
                    }

                    // Any whole frame proves the peer is alive.
                    if (IsAuthenticated)
                    {
                        _timeouts.Touch(this);
                    }

                    if (!await HandleAsync(frame!, stop) || _kicked)
                    {
                        return;
                    }

                    // Aborted (a slow reader): the requests still buffered are not worth any work.
                    stop.ThrowIfCancellationRequested();
                }

                if (result.IsCompleted || result.IsCanceled || _kicked)
                {
                    return;
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>Handles one frame; false closes the connection.</summary>
    private async ValueTask<bool> HandleAsync(Frame frame, CancellationToken stop)
    {
        if (!IsAuthenticated)
        {
            return await AuthenticateAsync(frame, stop);
        }

        if (frame.BodyCase != Frame.BodyOneofCase.Ping && !_rate.TryTake())
        {
            ChatMetrics.RequestRateLimited();
            Reply(ErrorFrame(frame.Seq, ErrorCode.RateLimited, $"more than {_options.MaxRequestsPerSecond} requests per second (Chat:MaxRequestsPerSecond); slow down"));
            return true;
        }

        // Only sends are timed: the send-to-ack latency is the figure operators watch.
        var started = frame.BodyCase is Frame.BodyOneofCase.Send or Frame.BodyOneofCase.GroupSend ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        try
        {
            var response = frame.BodyCase switch
            {
                Frame.BodyOneofCase.Ping => new Frame { Pong = new Pong { ClientTimeMs = frame.Ping.ClientTimeMs, ServerTimeMs = _time.GetUtcNow().ToUnixTimeMilliseconds() } },
                Frame.BodyOneofCase.Auth => throw ChatRequestException.BadRequest("already authenticated"),
                Frame.BodyOneofCase.None => throw ChatRequestException.BadRequest("frame has no body"),
                _ => await _backend.HandleAsync(this, frame, stop),
            };
            response.Seq = frame.Seq;
            Reply(response);
            if (started != 0 && response.BodyCase is Frame.BodyOneofCase.SendAck or Frame.BodyOneofCase.GroupSendAck)
            {
                SendMetrics.Acked(started);
                MessageMetrics.MessageReceived();
            }
        }
        catch (ChatRequestException e)
        {
            Reply(ErrorFrame(frame.Seq, e.Code, e.Message));
        }
        catch (HlrUnavailableException)
        {
            // Nothing was written; the HLR logged the outage once and reconnects by itself.
            Reply(ErrorFrame(frame.Seq, ErrorCode.Unavailable, "the cell's database is unavailable; nothing was stored, try again"));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            SessionLog.RequestFailed(_logger, e, ConnectionId, frame.BodyCase.ToString());
            Reply(ErrorFrame(frame.Seq, ErrorCode.Internal, "internal error; try again"));
        }

        return true;
    }

    private async ValueTask<bool> AuthenticateAsync(Frame frame, CancellationToken stop)
    {
        if (frame.BodyCase != Frame.BodyOneofCase.Auth)
        {
            Fail(frame.Seq, ErrorCode.NotAuthenticated, "the first frame must be Auth");
            return false;
        }

        try
        {
            var identity = await _backend.AuthenticateAsync(frame.Auth, stop);
            (UserId, DeviceId, HomeCell, Token) = (identity.UserId, identity.DeviceId, identity.HomeCell, frame.Auth.Token);
        }
        catch (ChatRequestException e)
        {
            ChatMetrics.Authenticated(ok: false);
            SessionLog.AuthRefused(_logger, ConnectionId, Remote, e.Message);
            Fail(frame.Seq, e.Code, e.Message);
            return false;
        }

        ulong head;
        try
        {
            head = await _backend.AttachAsync(this, stop);
            _attached = true;
        }
        catch (ChatRequestException e)
        {
            ChatMetrics.Authenticated(ok: false);
            SessionLog.AuthRefused(_logger, ConnectionId, Remote, e.Message);
            Fail(frame.Seq, e.Code, e.Message);
            return false;
        }

        _timeouts.Touch(this);
        Reply(new Frame
        {
            Seq = frame.Seq,
            AuthOk = new AuthOk
            {
                UserId = UserId,
                CellId = _backend.CellId,
                HeadSeq = head,
                HeartbeatSeconds = (uint)_options.HeartbeatSeconds,
                MaxFrameBytes = (uint)_options.MaxFrameBytes,
            },
        });
        ReleaseEarlyNotifies();
        ChatMetrics.Authenticated(ok: true);
        SessionLog.Authenticated(_logger, ConnectionId, UserId, DeviceId, Remote);
        return true;
    }

    private void ReleaseEarlyNotifies()
    {
        lock (_gate)
        {
            foreach (var item in _early!)
            {
                // Already counted in bytes when it was pushed.
                if (!TryQueueLocked(item))
                {
                    DropSlowReader("MaxPendingFrames", _options.MaxPendingFrames, PendingBytes);
                    Release(item.Bytes);
                }
            }

            _early = null;
            _ready = true;
        }
    }

    /// <summary>
    /// Queues the response to a request. A response over the largest frame a server sends would be
    /// refused by the client: it is replaced by an INTERNAL error and logged (every page is cut to fit).
    /// </summary>
    private void Reply(Frame frame)
    {
        var size = frame.CalculateSize();
        if (size > FrameCodec.MaxServerFrameBytes)
        {
            SessionLog.OversizedFrame(_logger, ConnectionId, UserId, frame.BodyCase.ToString(), size, FrameCodec.MaxServerFrameBytes);
            frame = ErrorFrame(frame.Seq, ErrorCode.Internal, "the answer is too large to send; ask for fewer items");
            size = frame.CalculateSize();
        }

        TryEnqueue(new Outgoing(frame, size));
    }

    /// <summary>Queues an Error frame; the caller then ends the read loop, and the writer flushes it before the close.</summary>
    private void Fail(uint seq, ErrorCode code, string message)
    {
        // Past the budget if need be: the connection closes after it anyway.
        var frame = ErrorFrame(seq, code, message);
        var item = new Outgoing(frame, frame.CalculateSize());
        Interlocked.Add(ref _pendingBytes, item.Bytes);
        if (!TryQueue(item))
        {
            Release(item.Bytes);
        }
    }

    private bool TryEnqueue(Outgoing item)
    {
        // Closed as a slow reader (or from outside): nothing more is queued for it.
        if (_aborted || !TryReserve(item))
        {
            return false;
        }

        if (TryQueue(item))
        {
            return true;
        }

        DropSlowReader("MaxPendingFrames", _options.MaxPendingFrames, PendingBytes);
        Release(item.Bytes);
        return false;
    }

    /// <summary>Counts a frame against Chat:MaxPendingBytes; a connection that would pass it is a slow reader.</summary>
    private bool TryReserve(Outgoing item)
    {
        var pending = Interlocked.Add(ref _pendingBytes, item.Bytes);
        if (pending <= _options.MaxPendingBytes)
        {
            return true;
        }

        Release(item.Bytes);
        DropSlowReader("MaxPendingBytes", _options.MaxPendingBytes, pending);
        return false;
    }

    private void Release(long bytes) => Interlocked.Add(ref _pendingBytes, -bytes);

    /// <summary>
    /// Closes the connection of a client that does not read what it is sent; logged once, with the
    /// numbers: <paramref name="bytes"/> waiting with the frame that did not fit.
    /// </summary>
    private void DropSlowReader(string setting, long limit, long bytes)
    {
        // A frame pushed while the session ends is not a slow reader's fault.
        if (_closing || _aborted || Interlocked.Exchange(ref _slowReaderLogged, 1) != 0)
        {
            return;
        }

        SessionLog.SlowReader(_logger, ConnectionId, UserId, Remote, bytes, QueuedFrames, limit, setting);
        ChatMetrics.SlowReaderDropped();
        Abort();
    }

    /// <summary>Every Error frame a client is sent is made here, so it is counted here.</summary>
    private static Frame ErrorFrame(uint seq, ErrorCode code, string message)
    {
        ChatMetrics.ErrorSent(code);
        return new() { Seq = seq, Error = new Error { Code = code, Message = message } };
    }

    /// <summary>A queued frame and its body size, measured once when it is queued.</summary>
    private readonly record struct Outgoing(Frame Frame, int Size)
    {
        /// <summary>What the frame takes on the wire: length prefix and body.</summary>
        public int Bytes => FrameCodec.HeaderSize + Size;
    }
}
