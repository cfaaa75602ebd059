using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>
/// bench connections --count N [--processes P] [--hold SECONDS] [--cell ID] [--addresses A]
/// [--concurrency K] [--pool NAME] [--login URL]: N idle authenticated connections and what they
/// cost the chat server (RSS and managed heap, both after a forced GC, before and after connecting).
/// </summary>
internal static class ConnectionsBench
{
    public static async Task<JsonObject> RunAsync(BenchArgs args, CancellationToken ct)
    {
        var count = args.Int("count", 10_000, min: 1, max: 1_000_000);
        var processes = args.Int("processes", Holders.DefaultProcesses(count), min: 1, max: 64);
        var hold = args.Int("hold", 10, min: 0, max: 3600);
        var cell = args.String("cell", "a");
        var addresses = args.Int("addresses", Math.Clamp((count + 4_999) / 5_000, 1, 250), min: 1, max: 250);
        var concurrency = args.Int("concurrency", 64, min: 1, max: 4096);
        var pool = args.String("pool");
        var cluster = BenchCluster.From(args);
        args.RejectUnknown();
        Holders.CheckFits(count, processes);

        using var api = cluster.OpenLogin();
        var (users, registered) = await UserPool.EnsureAsync(cluster, api, cell, pool, count, concurrency, ct);
        var holders = Holders.Start(cluster, users, cell, pool, processes, addresses, concurrency, 900 + hold);
        var clock = Stopwatch.StartNew();
        try
        {
            var phase = "login";
            await using var progress = new ProgressReporter(() =>
                $"{phase}: logged in {holders.Sum(h => h.LoggedIn)}/{count}, connected {holders.Sum(h => h.Connected)}/{count} ({clock.Elapsed.TotalSeconds:0} s)");

            var logins = Holders.Merge(await Task.WhenAll(holders.Select(h => h.LoginAsync(ct))));
            phase = "status before";
            var before = await ClusterStatus.CellAsync(cluster, cell, ct);
            phase = "connect";
            var connects = Holders.Merge(await Task.WhenAll(holders.Select(h => h.ConnectAsync(ct))));

            // Let the server finish its side (session registration, buffers) before measuring.
            phase = "settle";
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var after = await ClusterStatus.CellAsync(cluster, cell, ct);
            phase = "hold";
            await Task.Delay(TimeSpan.FromSeconds(hold), ct);
            var end = await ClusterStatus.CellAsync(cluster, cell, ct);
            phase = "stop";
            var open = (await Task.WhenAll(holders.Select(h => h.StopAsync(ct)))).Sum();

            var added = (long)after.Connections - before.Connections;
            var perConnection = new JsonObject
            {
                ["rss_bytes"] = added > 0 ? ((long)after.RssBytes - (long)before.RssBytes) / added : null,
                ["managed_heap_bytes"] = added > 0 ? ((long)after.ManagedHeapBytes - (long)before.ManagedHeapBytes) / added : null,
            };
            return new JsonObject
            {
                ["login_url"] = cluster.LoginUrl,
                ["cell"] = cell,
                ["count"] = count,
                ["load_processes"] = holders.Count,
                ["source_addresses"] = addresses,
                ["register"] = LoginBench.Register(registered),
                ["logins_ok"] = logins.Ok,
                ["logins_failed"] = logins.Failed,
                ["logins_per_s"] = Holders.Rate(logins),
                ["connects_ok"] = connects.Ok,
                ["connects_failed"] = connects.Failed,
                ["connects_per_s"] = Holders.Rate(connects),
                ["first_error"] = logins.FirstError ?? connects.FirstError,
                ["hold_seconds"] = hold,
                ["held_at_end"] = open,
                ["server_before"] = ClusterStatus.ToJson(before),
                ["server_after"] = ClusterStatus.ToJson(after),
                ["server_end_of_hold"] = ClusterStatus.ToJson(end),
                ["server_connections_added"] = added,
                ["per_connection"] = perConnection,
                ["target_rss_bytes_per_connection"] = 8192, // issue 14: an idle authenticated connection at 10 000
            };
        }
        finally
        {
            await Holders.DisposeAllAsync(holders);
        }
    }
}
