using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>
/// bench reconnect --count N [--storm-concurrency K] [--tls-name NAME] [--processes P] [--cell ID]
/// [--addresses A] [--concurrency K] [--pool NAME] [--login URL]: N devices log in once (tokens) and
/// connect; then every connection is closed from the bench's side (the cell keeps running: what a
/// restart costs the server minus the process start) and, once the cell has let go of them all,
/// all N reconnect at once with their still-valid tokens (no password login) and Sync. Measured:
/// the time until all are online (AuthOk) and synced (Sync answered), and each device's steps.
/// </summary>
internal static class ReconnectBench
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public static async Task<JsonObject> RunAsync(BenchArgs args, CancellationToken ct)
    {
        var count = args.Int("count", 10_000, min: 1, max: 1_000_000);
        var processes = args.Int("processes", Holders.DefaultProcesses(count), min: 1, max: 64);
        var cell = args.String("cell", "a");
        var addresses = args.Int("addresses", Math.Clamp((count + 4_999) / 5_000, 1, 250), min: 1, max: 250);
        var concurrency = args.Int("concurrency", 64, min: 1, max: 4096);
        var storm = new StormOptions(args.Int("storm-concurrency", count, min: 1, max: 1_000_000), args.String("tls-name"));
        var pool = args.String("pool");
        var cluster = BenchCluster.From(args);
        args.RejectUnknown();
        Holders.CheckFits(count, processes);
        if (storm.TlsName is not null && cluster.Trust is null)
        {
            throw BenchException.Usage("--tls-name needs the cluster CA (--ca or the PKI's ca.crt): without it the name would have to match the certificate");
        }

        using var api = cluster.OpenLogin();
        var (users, registered) = await UserPool.EnsureAsync(cluster, api, cell, pool, count, concurrency, ct);
        var holders = Holders.Start(cluster, users, cell, pool, processes, addresses, concurrency, 900, storm);
        var clock = Stopwatch.StartNew();
        try
        {
            var phase = "login";
            await using var progress = new ProgressReporter(() => phase == "storm"
                ? $"storm: online {holders.Sum(h => h.Online)}/{count}, synced {holders.Sum(h => h.Synced)}/{count} ({clock.Elapsed.TotalSeconds:0.0} s)"
                : $"{phase}: logged in {holders.Sum(h => h.LoggedIn)}/{count}, connected {holders.Sum(h => h.Connected)}/{count} ({clock.Elapsed.TotalSeconds:0} s)");

            var logins = Holders.Merge(await Task.WhenAll(holders.Select(h => h.LoginAsync(ct))));
            var before = await ClusterStatus.CellAsync(cluster, cell, ct, collectGarbage: false);
            phase = "first connect";
            var connects = Holders.Merge(await Task.WhenAll(holders.Select(h => h.ConnectAsync(ct))));
            if (connects.Ok == 0)
            {
                throw new BenchException($"no device connected: {connects.FirstError}");
            }

            phase = "drop";
            var dropped = (await Task.WhenAll(holders.Select(h => h.DropAsync(ct)))).Sum();
            var drain = Stopwatch.StartNew();
            var drained = await WaitForDrainAsync(cluster, cell, before.Connections, ct);
            var drainSeconds = drain.Elapsed.TotalSeconds;

            phase = "storm";
            clock.Restart();
            var cpuBefore = CpuSeconds(drained.Pid);
            var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
            var start = BenchEnvironment.NowMs();
            var results = await Task.WhenAll(holders.Select(h => h.StormAsync(ct)));
            var serverCpu = CpuSeconds(drained.Pid) - cpuBefore;
            var ownCpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - ownCpuBefore;
            var reconnects = Holders.Merge(results.Select(r => r.Phase).ToArray());
            var online = (results.Max(r => r.LastOnlineMs) - start) / 1000.0;
            var synced = (results.Max(r => r.LastSyncedMs) - start) / 1000.0;
            var samples = StormSamples.Concat(results.Select(r => r.Samples));

            phase = "settle";
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var after = await ClusterStatus.CellAsync(cluster, cell, ct, collectGarbage: false);
            phase = "stop";
            var open = (await Task.WhenAll(holders.Select(h => h.StopAsync(ct)))).Sum();

            return new JsonObject
            {
                ["login_url"] = cluster.LoginUrl,
                ["cell"] = cell,
                ["count"] = count,
                ["load_processes"] = holders.Count,
                ["source_addresses"] = addresses,
                ["drop"] = "bench closed its sockets; the cell process kept running (no restart)",
                ["tls_resumption"] = storm.TlsName is null
                    ? "not offered (IP endpoint: .NET's client resumes TLS sessions by host name only)"
                    : $"offered (server name '{storm.TlsName}'); a restarted cell has new ticket keys and would refuse it",
                ["storm_concurrency"] = storm.Concurrency,
                ["register"] = LoginBench.Register(registered),
                ["logins_ok"] = logins.Ok,
                ["logins_failed"] = logins.Failed,
                ["first_connects_ok"] = connects.Ok,
                ["first_connects_failed"] = connects.Failed,
                ["first_connects_per_s"] = Holders.Rate(connects),
                ["dropped"] = dropped,
                ["server_drain_seconds"] = BenchEnvironment.Round(drainSeconds, 2),
                ["reconnects_ok"] = reconnects.Ok,
                ["reconnects_failed"] = reconnects.Failed,
                ["first_error"] = logins.FirstError ?? connects.FirstError ?? reconnects.FirstError,
                ["seconds_until_all_online"] = reconnects.Ok == 0 ? null : BenchEnvironment.Round(online, 3),
                ["seconds_until_all_synced"] = reconnects.Ok == 0 ? null : BenchEnvironment.Round(synced, 3),
                ["synced_per_s"] = reconnects.Ok == 0 ? 0 : BenchEnvironment.Round(reconnects.Ok / Math.Max(synced, 0.001)),
                ["per_device_ms"] = samples.Summary(),
                ["server_cpu_seconds_in_storm"] = serverCpu is { } cpu ? BenchEnvironment.Round(cpu, 2) : null,
                ["load_generator_cpu_seconds_in_storm"] = holders.Count == 1 ? BenchEnvironment.Round(ownCpu, 2) : null,
                ["server_before"] = ClusterStatus.ToJson(before),
                ["server_after_storm"] = ClusterStatus.ToJson(after),
                ["held_at_end"] = open,
                ["target_seconds"] = 5,
            };
        }
        finally
        {
            await Holders.DisposeAllAsync(holders);
        }
    }

    /// <summary>
    /// Waits until the cell counts no more connections than before the first connect: every dropped
    /// session is detached (presence offline), as after a restart, so the storm attaches afresh.
    /// </summary>
    private static async Task<Protos.Cell.StatusReply> WaitForDrainAsync(BenchCluster cluster, string cell, uint baseline, CancellationToken ct)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            var status = await ClusterStatus.CellAsync(cluster, cell, ct, collectGarbage: false);
            if (status.Connections <= baseline)
            {
                return status;
            }

            if (limit.Elapsed > DrainLimit)
            {
                throw new BenchException($"cell {cell} still counts {status.Connections} connections {DrainLimit.TotalSeconds:0} s after the drop (before: {baseline})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
    }

    /// <summary>User plus system CPU of a process on this machine (the cell, when it runs here); null when it cannot be read.</summary>
    private static double? CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 (utime, stime) of proc(5), counted after the ")" that ends the name (field 2).
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / 100.0; // USER_HZ: 100 on Linux
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
