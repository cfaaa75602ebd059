using System.Diagnostics;
using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// Requests the server makes idempotent by an id the client chose (a group send's client_msg_id, a
/// group create's client_request_id): when the answer is lost with the connection, or the server says
/// UNAVAILABLE, they are asked again with the same id on the connection the reconnect loop brings,
/// paced by its backoff, for up to <see cref="ImClientOptions.ResendWindow"/>.
/// </summary>
public sealed partial class ImClient
{
    // Completed (and replaced) by each Attach; faulted once no connection will come again.
    private TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<T> ResendUntilAnsweredAsync<T>(Func<ChatConnection, CancellationToken, Task<T>> request, CancellationToken ct)
    {
        var backoff = new Backoff();
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await request(Current(), ct);
            }
            catch (Exception e) when (e is ImClientException { Code: ErrorCode.Unavailable } or TimeoutException
                                      && !ct.IsCancellationRequested && MayConnectAgain() && elapsed.Elapsed < _options.ResendWindow)
            {
                OnDiagnostic($"asking again: {e.Message}");
                await Task.Delay(backoff.Next(), ct);
                await WaitConnectedAsync(_options.ResendWindow - elapsed.Elapsed, ct);
            }
        }
    }

    /// <summary>A connection is up, or the reconnect loop may still bring one.</summary>
    private bool MayConnectAgain()
    {
        lock (_lock)
        {
            return IsConnected || (_options.AutoReconnect && !_attached.Task.IsFaulted);
        }
    }

    /// <summary>Until a connection is up, the client gives up, or <paramref name="within"/> passes; the next attempt tells which.</summary>
    private async Task WaitConnectedAsync(TimeSpan within, CancellationToken ct)
    {
        Task attached;
        lock (_lock)
        {
            attached = _attached.Task;
        }

        // Attach writes the connection before it completes the task read above: no wake-up is missed.
        if (!IsConnected && within > TimeSpan.Zero)
        {
            await attached.WaitAsync(within, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Called by Attach once the new connection is current: wakes the requests waiting to be asked again.</summary>
    private void SignalAttached()
    {
        TaskCompletionSource attached;
        lock (_lock)
        {
            attached = _attached;
            _attached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        attached.TrySetResult();
    }
}
