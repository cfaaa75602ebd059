using System.Threading.Channels;
using ImCells.Protos.Client;

namespace ImCells.Cluster.Tests;

/// <summary>Bounded reads from a client's message stream.</summary>
internal static class Receive
{
    /// <summary>
    /// Reads messages sent by <paramref name="from"/> until <paramref name="done"/> holds or
    /// <paramref name="timeout"/> passes; returns what arrived either way (the caller asserts).
    /// Messages from anyone else (the reader's own sent messages too) are skipped.
    /// </summary>
    public static async Task<List<ChatMessage>> FromAsync(
        ChannelReader<ChatMessage> messages, ulong from, Func<List<ChatMessage>, bool> done, TimeSpan timeout, CancellationToken ct)
    {
        var received = new List<ChatMessage>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (!done(received) && await messages.WaitToReadAsync(cts.Token))
            {
                while (messages.TryRead(out var message))
                {
                    if (message.From == from)
                    {
                        received.Add(message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The timeout, not the test's own bound: report what arrived.
        }

        return received;
    }

    /// <summary>Reads exactly <paramref name="count"/> messages from <paramref name="from"/> or throws naming what did arrive.</summary>
    public static async Task<List<ChatMessage>> ExactlyAsync(
        ChannelReader<ChatMessage> messages, ulong from, int count, TimeSpan timeout, CancellationToken ct)
    {
        var received = await FromAsync(messages, from, r => r.Count >= count, timeout, ct);
        if (received.Count < count)
        {
            throw new TimeoutException(
                $"{received.Count} of {count} messages from {from} arrived within {timeout.TotalSeconds:0} s: "
                + string.Join(", ", received.Select(m => $"#{m.Seq} '{m.Text}'")));
        }

        return received;
    }
}
