using ImCells.Client;

namespace ImCells.Docker.Driver;

/// <summary>
/// receive: --user stays connected (reconnecting by itself) and records, in arrival order, every
/// message from --from whose text starts with "{tag}:", until --count distinct texts arrived or
/// --timeout-seconds passed. The test on the host compares them with what the sender had acknowledged.
/// </summary>
internal static class ReceiveCommand
{
    public static async Task<int> RunAsync(DriverArgs args, CancellationToken ct)
    {
        var from = args.Number("--from");
        var prefix = args.Text("--tag") + ":";
        var count = args.Int("--count", 100);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(args.Int("--timeout-seconds", 180)));
        await using var client = await ImClient.ConnectAsync(args.ClientOptions("receiver"), ct);
        Report.Event("connected");

        var texts = new List<string>();
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var reconnects = 0;
        var wasConnected = true;
        try
        {
            while (distinct.Count < count)
            {
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                tick.CancelAfter(TimeSpan.FromMilliseconds(250));
                try
                {
                    await client.Messages.WaitToReadAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
                {
                }

                while (client.Messages.TryRead(out var message))
                {
                    if (message.From == from && message.Text.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        texts.Add(message.Text);
                        distinct.Add(message.Text);
                    }
                }

                // Connection changes, for the test's log: a partition or a kill shows here.
                if (client.IsConnected != wasConnected)
                {
                    wasConnected = client.IsConnected;
                    reconnects += wasConnected ? 1 : 0;
                    Report.Event(wasConnected ? "reconnected" : "disconnected", new { received = distinct.Count });
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // --timeout-seconds: report what arrived; the test decides.
        }

        Report.Event("done", new { texts, reconnects, complete = distinct.Count >= count });
        return 0;
    }
}
