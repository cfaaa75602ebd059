using ImCells.Cell.Messaging;

namespace ImCells.Cell.Groups;

/// <summary>
/// The groups one member cell has yet to hear about, and the loop that sends them one batch at a
/// time (so a cell gets a group's entries in order, and a batch carries everything pending). A cell
/// that does not answer is retried with backoff; the other cells' lanes do not wait for it.
/// </summary>
internal sealed partial class FanoutLane(
    string cell,
    Func<string, IReadOnlyCollection<ulong>, CancellationToken, Task<IReadOnlyCollection<ulong>>> send,
    TimeProvider time,
    Func<CancellationToken> stopping,
    ILogger logger)
{
    private readonly object _lock = new();
    private readonly HashSet<ulong> _pending = [];
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly OutboxBackoff _backoff = new(time);
    private Task? _loop;

    public void Mark(ulong group)
    {
        lock (_lock)
        {
            _pending.Add(group);
            _loop ??= Task.Run(RunAsync);
        }

        Signal();
    }

    private void Signal()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the loop takes everything pending when it wakes.
        }
    }

    private async Task RunAsync()
    {
        var stop = stopping();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            while (Take() is { Count: > 0 } batch && !stop.IsCancellationRequested)
            {
                try
                {
                    var more = await send(cell, batch, stop);
                    if (_backoff.RecordSuccess(cell))
                    {
                        Recovered(logger, cell);
                    }

                    Return(more);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    Return(batch);
                    var delay = _backoff.RecordFailure(cell);
                    DeliverFailed(logger, batch.Count, cell, e.Message, delay.TotalMilliseconds);
                    try
                    {
                        await Task.Delay(delay, time, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }
    }

    private List<ulong> Take()
    {
        lock (_lock)
        {
            var batch = _pending.ToList();
            _pending.Clear();
            return batch;
        }
    }

    private void Return(IEnumerable<ulong> groups)
    {
        lock (_lock)
        {
            _pending.UnionWith(groups);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Cannot deliver entries of {Groups} groups to cell {Cell}: {Detail}; retrying in {DelayMs} ms")]
    private static partial void DeliverFailed(ILogger logger, int groups, string cell, string detail, double delayMs);

    [LoggerMessage(2, LogLevel.Information, "Cell {Cell} reachable again; group fan-out flowing")]
    private static partial void Recovered(ILogger logger, string cell);
}
