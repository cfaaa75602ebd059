using System.Diagnostics;
using System.Text.Json.Nodes;
using ImCells.Client;

namespace ImCells.Bench;

/// <summary>
/// bench login --count N [--concurrency C] [--cell ID] [--pool NAME] [--iterations-note N] [--login URL]:
/// password logins per second through the login server (each one a PBKDF2 verify in the home cell).
/// </summary>
internal static class LoginBench
{
    public static async Task<JsonObject> RunAsync(BenchArgs args, CancellationToken ct)
    {
        var count = args.Int("count", 2000, min: 1);
        var concurrency = args.Int("concurrency", 32, min: 1, max: 4096);
        var cell = args.String("cell", "a");
        var pool = args.String("pool");
        var (iterations, iterationsSource) = Iterations(args);
        var cluster = BenchCluster.From(args);
        args.RejectUnknown();
        if (await PasswordCost.AskAsync(cluster, cell, ct) is { } asked)
        {
            (iterations, iterationsSource) = (asked, $"cell {cell}'s status");
        }

        using var api = cluster.OpenLogin();
        var (users, registered) = await UserPool.EnsureAsync(cluster, api, cell, pool, count, concurrency, ct);

        var latency = new LatencyHistogram();
        var next = -1;
        var ok = 0;
        var failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await using (new ProgressReporter(() =>
            $"login: {Volatile.Read(ref ok)}/{count} ({Volatile.Read(ref ok) / clock.Elapsed.TotalSeconds:0}/s), failed {Volatile.Read(ref failed)}, p99 {latency.PercentileMs(99):0.0} ms"))
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, count)).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        await api.LoginAsync(users[i].Number, users[i].Password, "bench-login", ct);
                        latency.RecordSince(start);
                        Interlocked.Increment(ref ok);
                    }
                    catch (ImClientException e)
                    {
                        Interlocked.CompareExchange(ref firstError, e.Message, null);
                        Interlocked.Increment(ref failed);
                    }
                }
            }));
        }

        var seconds = clock.Elapsed.TotalSeconds;
        return new JsonObject
        {
            ["login_url"] = cluster.LoginUrl,
            ["cell"] = cell,
            ["pbkdf2_iterations"] = iterations,
            ["pbkdf2_iterations_source"] = iterationsSource,
            ["count"] = count,
            ["concurrency"] = concurrency,
            ["logins_ok"] = ok,
            ["logins_failed"] = failed,
            ["first_error"] = firstError,
            ["seconds"] = BenchEnvironment.Round(seconds, 2),
            ["logins_per_s"] = BenchEnvironment.Round(ok / seconds),
            ["login_latency"] = latency.ToJson(),
            ["register"] = Register(registered),
            ["target_logins_per_s"] = 2000,
        };
    }

    public static JsonObject Register(RegisterStats stats) => new()
    {
        ["reused"] = stats.Reused,
        ["registered"] = stats.Registered,
        ["seconds"] = BenchEnvironment.Round(stats.Seconds, 2),
        ["per_s"] = BenchEnvironment.Round(stats.PerSecond),
    };

    /// <summary>
    /// The iteration count when the cell cannot be asked (no operator certificate, an older cell):
    /// --iterations-note, else this process's IMCELLS_Hlr__PasswordIterations (what ./imcells up passes
    /// on when exported), else the server default.
    /// </summary>
    private static (int Iterations, string Source) Iterations(BenchArgs args)
    {
        if (args.Has("iterations-note"))
        {
            return (args.Int("iterations-note", 600_000, min: 1), "--iterations-note");
        }

        return Environment.GetEnvironmentVariable("IMCELLS_Hlr__PasswordIterations") is { } env && int.TryParse(env, out var n)
            ? (n, "env IMCELLS_Hlr__PasswordIterations")
            : (600_000, "server default (assumed: IMCELLS_Hlr__PasswordIterations not set)");
    }
}
