using ImCells.Client;

namespace ImCells.Docker.Driver;

/// <summary>
/// presence: --user stays connected and reports every presence of --watch it is told (the snapshot
/// after connecting, then each change) as a "presence" line, until it has seen --watch go ONLINE,
/// then OFFLINE, then ONLINE again (a partition and its healing), or --seconds passed.
/// </summary>
internal static class PresenceCommand
{
    public static async Task<int> RunAsync(DriverArgs args, CancellationToken ct)
    {
        var watch = args.Number("--watch");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(args.Int("--seconds", 120)));
        await using var client = await ImClient.ConnectAsync(args.ClientOptions("watcher"), ct);
        Report.Event("connected");

        // 0: waiting for ONLINE, 1: for OFFLINE, 2: for ONLINE again, 3: done.
        var stage = 0;
        string? last = null;
        try
        {
            while (stage < 3)
            {
                var change = await client.PresenceChanges.ReadAsync(timeout.Token);
                var presence = change.Presence.ToString();
                if (change.User != watch || presence == last)
                {
                    continue;
                }

                last = presence;
                Report.Event("presence", new { user = watch, presence });
                var online = change.Presence != Protos.Client.Presence.Offline;
                stage += (stage, online) switch
                {
                    (0, true) or (1, false) or (2, true) => 1,
                    _ => 0,
                };
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }

        Report.Event("done", new { healed = stage == 3 });
        return 0;
    }
}
