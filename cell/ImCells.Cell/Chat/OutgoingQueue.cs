using ImCells.Protos;

namespace ImCells.Cell.Chat;

/// <summary>
/// The session's outgoing queue and its writer. The queue is made on the first frame; a writer runs
/// on the thread pool only while frames wait (queued by whoever queues the first of them), drains
/// them, flushes once per batch, and ends when the queue is empty. An idle connection thus has no
/// task parked on its queue. One writer at a time: the pipe's writer is not thread-safe.
/// </summary>
internal sealed partial class ChatSession : IThreadPoolWorkItem
{
    private Queue<Outgoing>? _queue;
    private bool _writing;
    private bool _outgoingCompleted;
    private TaskCompletionSource? _writerDone;

    private int QueuedFrames
    {
        get
        {
            lock (_gate)
            {
                return _queue?.Count ?? 0;
            }
        }
    }

    /// <summary>Queues a frame already counted in bytes; false when the queue is full (Chat:MaxPendingFrames) or closed.</summary>
    private bool TryQueue(Outgoing item)
    {
        bool start;
        lock (_gate)
        {
            if (!TryQueueLocked(item, out start))
            {
                return false;
            }
        }

        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    /// <summary>Under <see cref="_gate"/>; starts the writer when it is not running.</summary>
    private bool TryQueueLocked(Outgoing item)
    {
        if (!TryQueueLocked(item, out var start))
        {
            return false;
        }

        if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        return true;
    }

    private bool TryQueueLocked(Outgoing item, out bool startWriter)
    {
        startWriter = false;
        var queue = _queue ??= new Queue<Outgoing>();
        if (_outgoingCompleted || queue.Count >= _options.MaxPendingFrames)
        {
            return false;
        }

        queue.Enqueue(item);
        startWriter = !_writing;
        _writing = true;
        return true;
    }

    /// <summary>No frame is queued any more; the task ends when the writer has written what was queued before.</summary>
    private Task CompleteOutgoing()
    {
        lock (_gate)
        {
            _outgoingCompleted = true;
            return _writing ? (_writerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task : Task.CompletedTask;
        }
    }

    void IThreadPoolWorkItem.Execute() => _ = WriteAsync();

    private async Task WriteAsync()
    {
        var output = _transport.Output;
        try
        {
            while (true)
            {
                long batch = 0;
                while (TryTake(out var item))
                {
                    FrameCodec.Write(output, item.Frame, item.Size);
                    batch += item.Bytes;
                }

                // The bytes count until the transport has taken them: its pipe holds this flush at
                // its own threshold (Kestrel's socket transport: 64 KiB), so queue and pipe together
                // stay within the budget plus that threshold.
                var flushed = await output.FlushAsync();
                Release(batch);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }

                lock (_gate)
                {
                    if (_queue!.Count == 0)
                    {
                        _writing = false;
                        _writerDone?.TrySetResult();
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException)
        {
            // The peer is gone; the read loop ends on its own.
        }
        catch (Exception e)
        {
            // Nothing may escape a thread-pool work item; the session ends as below.
            SessionLog.Unexpected(_logger, e, ConnectionId);
        }

        // The transport takes nothing more: the session ends (first, so what is pushed meanwhile is
        // refused as for a closing session, not taken for a slow reader), and nothing more is queued.
        Abort();
        lock (_gate)
        {
            _outgoingCompleted = true;
            _writing = false;
            _writerDone?.TrySetResult();
        }
    }

    private bool TryTake(out Outgoing item)
    {
        lock (_gate)
        {
            return _queue!.TryDequeue(out item);
        }
    }
}
