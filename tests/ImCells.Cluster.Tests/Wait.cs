using System.Threading.Channels;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cluster.Tests;

/// <summary>Bounded waits for client state and notifies, and whole-mailbox reads.</summary>
internal static class Wait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Waits until the client has a live connection again; throws after <paramref name="timeout"/>.</summary>
    public static async Task ConnectedAsync(ImClient client, TimeSpan timeout, CancellationToken ct)
    {
        if (!await UntilAsync(() => client.IsConnected, timeout, ct))
        {
            throw new TimeoutException(
                $"user {client.UserId} was not connected again within {timeout.TotalSeconds:0} s (reconnects so far: {client.Reconnects})");
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (true) or <paramref name="timeout"/> passes (false).</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (!condition())
            {
                await Task.Delay(Poll, cts.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return condition();
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it holds (true) or <paramref name="timeout"/> passes (false).</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (!await condition())
            {
                await Task.Delay(Poll, cts.Token);
            }

            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// The first item matching <paramref name="match"/> (items before it are consumed and
    /// returned in <c>Skipped</c>), or null when none came within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(T? Item, List<T> Skipped)> ForAsync<T>(
        ChannelReader<T> reader, Func<T, bool> match, TimeSpan timeout, CancellationToken ct)
        where T : class
    {
        var skipped = new List<T>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (await reader.WaitToReadAsync(cts.Token))
            {
                while (reader.TryRead(out var item))
                {
                    if (match(item))
                    {
                        return (item, skipped);
                    }

                    skipped.Add(item);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The timeout: nothing matched.
        }

        return (null, skipped);
    }

    /// <summary>Like <see cref="ForAsync{T}"/> but throws, naming what did arrive, when nothing matched.</summary>
    public static async Task<T> ForOneAsync<T>(
        ChannelReader<T> reader, Func<T, bool> match, string what, TimeSpan timeout, CancellationToken ct)
        where T : class
    {
        var (item, skipped) = await ForAsync(reader, match, timeout, ct);
        return item ?? throw new TimeoutException(
            $"no {what} within {timeout.TotalSeconds:0} s; other items that arrived: "
            + (skipped.Count == 0 ? "none" : string.Join("; ", skipped)));
    }

    /// <summary>The whole mailbox, page by page, straight from the server (not the client's stream).</summary>
    public static async Task<List<ChatMessage>> SyncAllAsync(ImClient client, CancellationToken ct)
    {
        var all = new List<ChatMessage>();
        ulong from = 0;
        for (var page = 0; page < 1000; page++)
        {
            var result = await client.SyncAsync(from, ct: ct);
            all.AddRange(result.Messages);
            if (!result.HasMore || result.Messages.Count == 0)
            {
                return all;
            }

            from = result.Messages[^1].Seq;
        }

        throw new InvalidOperationException("the mailbox did not end after 1000 pages");
    }

    /// <summary>Asserts seqs rise by exactly one from each message to the next.</summary>
    public static void AssertDense(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = 1; i < messages.Count; i++)
        {
            Assert.True(messages[i - 1].Seq + 1 == messages[i].Seq,
                $"seq {messages[i - 1].Seq} ('{messages[i - 1].Text}') is followed by seq {messages[i].Seq} ('{messages[i].Text}')");
        }
    }
}
