using System.Net.Sockets;

namespace ImCells.ClusterHost;

/// <summary>How a wait for readiness ended.</summary>
public enum ReadyOutcome
{
    Ready,

    /// <summary>The process exited before it was ready.</summary>
    Exited,

    TimedOut,
}

/// <summary>
/// Waiting until a started process is ready to serve: a probe (a TCP connect, a status call) is
/// polled until it says yes, the process exits, or time runs out, whichever comes first.
/// </summary>
public static class Readiness
{
    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Polls <paramref name="probe"/> until it returns true (<see cref="ReadyOutcome.Ready"/>),
    /// <paramref name="process"/> exits, or <paramref name="timeout"/> passes. A probe that throws
    /// counts as "not yet". Cancelling <paramref name="ct"/> throws.
    /// </summary>
    public static async Task<ReadyOutcome> WaitAsync(
        Func<CancellationToken, Task<bool>> probe, HostedProcess? process, TimeSpan timeout, CancellationToken ct, TimeSpan? poll = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        while (true)
        {
            if (process is { HasExited: true })
            {
                return ReadyOutcome.Exited;
            }

            try
            {
                if (await probe(deadline.Token))
                {
                    return ReadyOutcome.Ready;
                }
            }
            catch (Exception) when (!ct.IsCancellationRequested)
            {
                // Not listening yet, answering "not yet" with an error, or cut off by the deadline.
            }

            // Wake up early when the process dies.
            var pause = Task.Delay(poll ?? DefaultPoll, deadline.Token);
            await (process is null ? pause : Task.WhenAny(pause, process.Exited)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (deadline.IsCancellationRequested)
            {
                ct.ThrowIfCancellationRequested();
                return process is { HasExited: true } ? ReadyOutcome.Exited : ReadyOutcome.TimedOut;
            }
        }
    }

    /// <summary>Like <see cref="WaitAsync"/> but throws, with the process's last output, unless it got ready.</summary>
    public static async Task EnsureAsync(
        string what, Func<CancellationToken, Task<bool>> probe, HostedProcess? process, TimeSpan timeout, CancellationToken ct, TimeSpan? poll = null)
    {
        var outcome = await WaitAsync(probe, process, timeout, ct, poll);
        if (outcome == ReadyOutcome.Ready)
        {
            return;
        }

        var why = outcome == ReadyOutcome.Exited
            ? $"{process} exited with code {process!.Exited.Result} before {what}"
            : $"no {what} within {timeout.TotalSeconds:0} s";
        var tail = process is null ? "" : "\n---- its last output ----\n" + string.Join('\n', process.Output().TakeLast(200));
        throw new TimeoutException(why + tail);
    }

    /// <summary>A probe: true when something accepts TCP connections on <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<bool> AcceptsTcpAsync(string host, int port, CancellationToken ct)
    {
        using var probe = new TcpClient();
        try
        {
            await probe.ConnectAsync(host, port, ct);
            // To a port in the ephemeral range with no listener, the kernel may pick that very port as
            // the source and connect the socket to itself: nobody listens there.
            return !Equals(probe.Client.LocalEndPoint, probe.Client.RemoteEndPoint);
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
