using System.Globalization;

namespace ImCells.Bench;

/// <summary>The users split over holders: in this process up to <see cref="PerProcess"/> sockets, else over worker processes.</summary>
internal static class Holders
{
    /// <summary>Sockets one load process may hold: the open-files limit is 20 000 per process.</summary>
    public const int PerProcess = 19_000;

    public static int DefaultProcesses(int count) => (count + PerProcess - 1) / PerProcess;

    public static void CheckFits(int count, int processes)
    {
        if ((count + processes - 1) / processes > PerProcess)
        {
            throw BenchException.Usage($"{count} connections over {processes} process(es) is more than {PerProcess} per process; use --processes {DefaultProcesses(count)}");
        }
    }

    /// <summary>
    /// One holder per process for <paramref name="users"/> (the first <paramref name="users"/>.Count of the
    /// pool file); each worker gets its share of <paramref name="concurrency"/> and of <paramref name="storm"/>'s.
    /// </summary>
    public static List<IHolder> Start(
        BenchCluster cluster, IReadOnlyList<BenchUser> users, string cell, string? pool, int processes, int addresses,
        int concurrency, int deadlineSeconds, StormOptions storm = default)
    {
        var count = users.Count;
        var holders = new List<IHolder>();
        var slice = (count + processes - 1) / processes;
        for (var p = 0; p < processes; p++)
        {
            var offset = p * slice;
            var size = Math.Min(slice, count - offset);
            if (size <= 0)
            {
                break;
            }

            if (processes == 1)
            {
                holders.Add(new LocalHolder(new ConnectionHolder(cluster, users.Skip(offset).Take(size).ToList(), offset, addresses, concurrency), storm));
                continue;
            }

            List<string> args =
            [
                "_worker", "--users-file", UserPool.FileFor(cell, pool), "--offset", Str(offset), "--count", Str(size),
                "--global-offset", Str(offset), "--addresses", Str(addresses), "--concurrency", Str(Math.Max(1, concurrency / processes)),
                "--deadline-seconds", Str(deadlineSeconds), .. cluster.WorkerArgs(),
            ];
            if (storm.Concurrency > 0)
            {
                args.AddRange(["--storm-concurrency", Str(Math.Max(1, storm.Concurrency / processes))]);
            }

            if (storm.TlsName is { } name)
            {
                args.AddRange(["--tls-name", name]);
            }

            holders.Add(RemoteHolder.Start($"worker {p + 1}", args));
        }

        return holders;
    }

    public static PhaseResult Merge(PhaseResult[] results) => new(
        results.Sum(r => r.Ok), results.Sum(r => r.Failed), results.Min(r => r.StartMs), results.Max(r => r.EndMs),
        results.Select(r => r.FirstError).FirstOrDefault(e => e is not null));

    public static double Rate(PhaseResult phase) =>
        BenchEnvironment.Round(phase.Ok / Math.Max((phase.EndMs - phase.StartMs) / 1000.0, 0.001));

    public static async Task DisposeAllAsync(List<IHolder> holders)
    {
        foreach (var holder in holders)
        {
            await holder.DisposeAsync();
        }
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
