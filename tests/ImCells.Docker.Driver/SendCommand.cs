using System.Diagnostics;
using ImCells.Client;

namespace ImCells.Docker.Driver;

/// <summary>
/// send: --user sends "{tag}:0" .. "{tag}:{count-1}" to --to, in order, --pace-ms apart. A send that
/// fails is asked again with the same client_msg_id once the client is connected again, for up to
/// --retry-seconds; an "ack" line reports each acknowledged n (the test acts on them: partition, kill).
/// </summary>
internal static class SendCommand
{
    public static async Task<int> RunAsync(DriverArgs args, CancellationToken ct)
    {
        var to = args.Number("--to");
        var tag = args.Text("--tag");
        var count = args.Int("--count", 100);
        var pace = TimeSpan.FromMilliseconds(args.Int("--pace-ms", 20));
        var retryBound = TimeSpan.FromSeconds(args.Int("--retry-seconds", 120));
        await using var client = await ImClient.ConnectAsync(args.ClientOptions("sender"), ct);
        Report.Event("connected");

        var acked = new List<int>();
        var retried = 0;
        string? gaveUp = null;
        var errors = new Dictionary<string, int>();
        for (var n = 0; n < count && gaveUp is null; n++)
        {
            var since = Stopwatch.StartNew();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.SendAsync(to, $"{tag}:{n}", clientMsgId: $"{tag}-{n}", ct: ct);
                    acked.Add(n);
                    retried += attempt > 1 ? 1 : 0;
                    Report.Event("ack", new { n, acked = acked.Count });
                    break;
                }
                catch (Exception e) when (e is ImClientException or TimeoutException && !ct.IsCancellationRequested)
                {
                    var code = e is ImClientException ice ? ice.Code.ToString() : "Timeout";
                    errors[code] = errors.GetValueOrDefault(code) + 1;
                    if (since.Elapsed > retryBound)
                    {
                        gaveUp = $"{tag}:{n} after {attempt} attempts: {e.Message}";
                        break;
                    }

                    await WaitConnectedAsync(client, retryBound - since.Elapsed, ct);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                }
            }

            await Task.Delay(pace, ct);
        }

        Report.Event("done", new { acked, retried, gaveUp, errors });
        return gaveUp is null ? 0 : 1;
    }

    private static async Task WaitConnectedAsync(ImClient client, TimeSpan within, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (!client.IsConnected && deadline.Elapsed < within)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
        }
    }
}
