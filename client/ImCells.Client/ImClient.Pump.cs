using System.Threading.Channels;
using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// Keeps <see cref="Messages"/> ordered: one task processes, in arrival order, each connection's
/// AuthOk (sync from LastSeq) and its NewMessage notifies (surface the next seq, sync across a gap,
/// drop what was already surfaced). Only this task advances LastSeq.
/// </summary>
public sealed partial class ImClient
{
    private static readonly TimeSpan AckInterval = TimeSpan.FromMilliseconds(200);

    private readonly Channel<PumpItem> _events = Channel.CreateUnbounded<PumpItem>(new() { SingleReader = true });
    private readonly Channel<bool> _ackSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private TaskCompletionSource _caughtUp = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ulong _lastSeq;
    private ulong _headTarget;
    private ulong _lastAcked;
    private Task _pump = Task.CompletedTask;
    private Task _ackLoop = Task.CompletedTask;

    /// <summary>
    /// One input of the pump: a connection's AuthOk or notify, or (Frame null) the end of the
    /// client's life with <paramref name="End"/> as the reason readers see.
    /// </summary>
    private readonly record struct PumpItem(ChatConnection Connection, Frame? Frame, Exception? End = null);

    /// <summary>Makes a freshly authenticated connection the current one and starts its loops.</summary>
    private void Attach(ChatConnection connection)
    {
        var authOk = connection.AuthOk;
        lock (_lock)
        {
            _headTarget = authOk.HeadSeq;
            if (_lastSeq >= _headTarget)
            {
                _caughtUp.TrySetResult();
            }
            else if (_caughtUp.Task.IsCompleted)
            {
                _caughtUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        Volatile.Write(ref _userId, authOk.UserId);
        Volatile.Write(ref _cellId, authOk.CellId);
        Volatile.Write(ref _connection, connection);
        SignalAttached();

        // Queued before Start so the pump sees this AuthOk before any notify of the connection.
        _events.Writer.TryWrite(new PumpItem(connection, new Frame { AuthOk = authOk }));
        connection.Start(OnNotify);
        _ackSignal.Writer.TryWrite(true);
    }

    // Runs on the connection's read loop: only hand off, never block.
    private void OnNotify(ChatConnection connection, Frame frame)
    {
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.NewMessage:
                _events.Writer.TryWrite(new PumpItem(connection, frame));
                break;
            case Frame.BodyOneofCase.SendFailed:
                _failures.Writer.TryWrite(frame.SendFailed);
                break;
            case Frame.BodyOneofCase.ReadReceipt:
                _readReceipts.Writer.TryWrite(frame.ReadReceipt);
                break;
            case Frame.BodyOneofCase.ReadState:
                _readStates.Writer.TryWrite(frame.ReadState);
                break;
            case Frame.BodyOneofCase.Presence:
                OnPresenceChanged(frame.Presence);
                break;
            case Frame.BodyOneofCase.PresenceSnapshot:
                OnPresenceSnapshot(frame.PresenceSnapshot);
                break;
            case Frame.BodyOneofCase.FriendEvent:
                OnFriendEvent(frame.FriendEvent);
                break;
            case Frame.BodyOneofCase.GroupNew:
                OnGroupNew(frame.GroupNew);
                break;
            case Frame.BodyOneofCase.Kicked:
                OnDiagnostic($"kicked by {connection.Endpoint}: {frame.Kicked.Reason}");
                break;
        }
    }

    private async Task PumpAsync(CancellationToken ct)
    {
        await foreach (var item in _events.Reader.ReadAllAsync(ct))
        {
            if (item.Frame is null)
            {
                _messages.Writer.TryComplete(item.End);
                return;
            }

            try
            {
                await ProcessAsync(item.Connection, item.Frame, ct);
            }
            catch (Exception e) when (e is ImClientException or TimeoutException && !ct.IsCancellationRequested)
            {
                // The reconnect path syncs from LastSeq again, so a failed sync loses nothing.
                if (!item.Connection.IsClosed)
                {
                    OnDiagnostic($"sync from {item.Connection.Endpoint} failed: {e.Message}");
                    item.Connection.Abort($"sync failed: {e.Message}");
                }
            }
        }
    }

    private async Task ProcessAsync(ChatConnection connection, Frame frame, CancellationToken ct)
    {
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.AuthOk when !connection.IsClosed:
                await ResumeFromDeviceCursorAsync(connection, ct);
                if (_lastSeq < frame.AuthOk.HeadSeq)
                {
                    await SyncToHeadAsync(connection, ct);
                }

                break;
            case Frame.BodyOneofCase.NewMessage:
                var message = frame.NewMessage.Message;
                if (message is null || message.Seq <= _lastSeq)
                {
                    return;
                }

                if (message.Seq > _lastSeq + 1)
                {
                    if (connection.IsClosed)
                    {
                        // The next connection syncs from LastSeq and brings this message with it.
                        return;
                    }

                    await SyncToHeadAsync(connection, ct);
                    if (message.Seq > _lastSeq + 1)
                    {
                        // Surfacing it now would leave a hole for good; the reconnect syncs from LastSeq.
                        throw ImClientException.Unavailable($"sync stopped at seq {_lastSeq}, below the pushed seq {message.Seq}");
                    }
                }

                Surface(message);
                break;
        }
    }

    private async Task SyncToHeadAsync(ChatConnection connection, CancellationToken ct)
    {
        while (true)
        {
            var result = await connection.SyncAsync(_lastSeq, 0, ct);
            foreach (var message in result.Messages)
            {
                Surface(message);
            }

            if (!result.HasMore || result.Messages.Count == 0)
            {
                return;
            }
        }
    }

    private void Surface(ChatMessage message)
    {
        if (message.Seq <= _lastSeq)
        {
            return;
        }

        _messages.Writer.TryWrite(message);
        lock (_lock)
        {
            _lastSeq = message.Seq;
            if (_lastSeq >= _headTarget)
            {
                _caughtUp.TrySetResult();
            }
        }

        _ackSignal.Writer.TryWrite(true);
    }

    /// <summary>Acks the newest surfaced seq, at most once per <see cref="AckInterval"/>.</summary>
    private async Task AckLoopAsync(CancellationToken ct)
    {
        while (await _ackSignal.Reader.WaitToReadAsync(ct))
        {
            _ackSignal.Reader.TryRead(out _);
            var seq = LastSeq;
            if (seq > _lastAcked && Volatile.Read(ref _connection) is { IsClosed: false } connection)
            {
                try
                {
                    await connection.AckAsync(seq, ct);
                    _lastAcked = seq;
                }
                catch (Exception e) when (e is ImClientException or TimeoutException)
                {
                    // Acked again after the next message or reconnect; the server only keeps a cursor.
                }
            }

            await Task.Delay(AckInterval, ct);
        }
    }
}
