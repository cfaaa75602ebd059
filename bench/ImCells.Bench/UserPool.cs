using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>A user the benchmarks may log in as.</summary>
internal readonly record struct BenchUser(ulong Number, string Password);

/// <summary>What registering missing users cost, for the result line.</summary>
internal readonly record struct RegisterStats(int Reused, int Registered, double Seconds)
{
    public double PerSecond => Registered == 0 || Seconds <= 0 ? 0 : Registered / Seconds;
}

/// <summary>
/// Users kept across runs in data/bench-users-&lt;cell&gt;[-&lt;pool&gt;].tsv ("number TAB password" per line):
/// a run registers only what the file lacks, so the slow password hash is paid once per user.
/// A file whose first user no longer logs in (the cluster's data was wiped) is set aside as .stale.
/// </summary>
internal static class UserPool
{
    public static string FileFor(string cell, string? pool) =>
        Path.Combine(BenchEnvironment.DataDirectory, pool is { Length: > 0 } ? $"bench-users-{cell}-{pool}.tsv" : $"bench-users-{cell}.tsv");

    public static IReadOnlyList<BenchUser> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var users = new List<BenchUser>();
        foreach (var line in File.ReadLines(path))
        {
            var parts = line.Split('\t');
            if (parts.Length == 2 && ulong.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                users.Add(new BenchUser(number, parts[1]));
            }
        }

        return users;
    }

    /// <summary>
    /// Returns <paramref name="count"/> users of <paramref name="cell"/>, registering the missing ones;
    /// refused (<see cref="PasswordCost"/>) when the cell's password hash would make that crawl.
    /// </summary>
    public static async Task<(IReadOnlyList<BenchUser> Users, RegisterStats Stats)> EnsureAsync(
        BenchCluster cluster, LoginApi api, string cell, string? pool, int count, int concurrency, CancellationToken ct)
    {
        var path = FileFor(cell, pool);
        var users = Read(path).ToList();
        if (users.Count > 0 && !await StillValidAsync(api, users[0], ct))
        {
            var stale = path + ".stale";
            File.Move(path, stale, overwrite: true);
            Console.Error.WriteLine($"[bench] {path}: user {users[0].Number} no longer logs in (cluster data wiped?); set aside as {stale}");
            users.Clear();
        }

        var missing = count - users.Count;
        if (missing <= 0)
        {
            return (users.Take(count).ToList(), new RegisterStats(count, 0, 0));
        }

        var iterations = await PasswordCost.AskAsync(cluster, cell, ct);
        PasswordCost.Check(cell, iterations, missing, cluster.AllowSlowRegistration);
        concurrency = PasswordCost.Concurrency(iterations, concurrency);
        Console.Error.WriteLine($"[bench] registering {missing} users in cell {cell} (reusing {users.Count} from {path}; " +
                                $"{(iterations is { } n ? $"{n} PBKDF2 iterations" : "password cost unknown")}, {concurrency} at once)");
        Directory.CreateDirectory(BenchEnvironment.DataDirectory);
        var fileLock = new Lock();
        var created = new List<BenchUser>(missing);
        var next = 0;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await using var writer = new StreamWriter(path, append: true) { AutoFlush = true };
        await using (new ProgressReporter(() => $"register: {created.Count}/{missing} ({created.Count / Math.Max(clock.Elapsed.TotalSeconds, 0.001):0}/s), failures {Volatile.Read(ref failures)}"))
        {
            await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, missing)).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= missing)
                {
                    var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
                    ulong number;
                    try
                    {
                        number = await api.RegisterAsync($"bench-{cell}", password, cell, ct);
                    }
                    catch (ImClientException e)
                    {
                        if (Interlocked.Increment(ref failures) > 20)
                        {
                            throw new BenchException($"registering users in cell {cell} keeps failing: {e.Message}", e);
                        }

                        Interlocked.Decrement(ref next);
                        continue;
                    }

                    lock (fileLock)
                    {
                        created.Add(new BenchUser(number, password));
                        writer.WriteLine($"{number.ToString(CultureInfo.InvariantCulture)}\t{password}");
                    }
                }
            }));
        }

        users.AddRange(created);
        return (users.Take(count).ToList(), new RegisterStats(users.Count - created.Count, created.Count, clock.Elapsed.TotalSeconds));
    }

    private static async Task<bool> StillValidAsync(LoginApi api, BenchUser user, CancellationToken ct)
    {
        try
        {
            await api.LoginAsync(user.Number, user.Password, "bench-check", ct);
            return true;
        }
        catch (ImClientException e) when (e.Code is ErrorCode.BadToken)
        {
            return false;
        }
    }
}
