using System.Globalization;

namespace ImCells.Bench;

/// <summary>
/// What registering a user costs a cell: its PBKDF2 iteration count (Hlr:PasswordIterations, in its
/// CellAdmin.Status, asked as the operator). At the default 600 000 a cell registers a few users per
/// second, so a run that would register users there is refused unless --allow-slow-registration says so.
/// </summary>
internal static class PasswordCost
{
    /// <summary>The most iterations the bench registers users at without --allow-slow-registration.</summary>
    public const int CheapIterations = 10_000;

    /// <summary>What `./imcells up --profile bench` runs its cells with.</summary>
    public const int BenchProfileIterations = 1_000;

    /// <summary>Registrations under way at once at <see cref="CheapIterations"/> or below (the 10 s call deadline allows it).</summary>
    private const int CheapConcurrency = 64;

    /// <summary>The cell's iteration count; null when it cannot be asked or does not say (told on stderr in one line).</summary>
    public static async Task<int?> AskAsync(BenchCluster cluster, string cell, CancellationToken ct)
    {
        if (cluster.PasswordCosts.TryGetValue(cell, out var known))
        {
            return known;
        }

        var asked = await AskOnceAsync(cluster, cell, ct);
        cluster.PasswordCosts[cell] = asked;
        return asked;
    }

    private static async Task<int?> AskOnceAsync(BenchCluster cluster, string cell, CancellationToken ct)
    {
        try
        {
            var status = await ClusterStatus.CellAsync(cluster, cell, ct, collectGarbage: false);
            if (status.PasswordIterations > 0)
            {
                return (int)status.PasswordIterations;
            }

            Console.Error.WriteLine($"[bench] cell {cell} does not report its password cost (an older cell); going on without the check");
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"[bench] cannot ask cell {cell} for its password cost: {e.Message}; going on without the check");
        }

        return null;
    }

    /// <summary>Throws the refusal (exit 2) when <paramref name="toRegister"/> users at <paramref name="iterations"/> would crawl.</summary>
    public static void Check(string cell, int? iterations, int toRegister, bool allowSlow)
    {
        if (iterations > CheapIterations && toRegister > 0 && !allowSlow)
        {
            throw BenchException.Refusal(Refusal(cell, iterations.Value, toRegister));
        }
    }

    public static string Refusal(string cell, int iterations, int toRegister) => string.Create(CultureInfo.InvariantCulture, $"""
        refusing to register {toRegister} users in cell {cell}: it hashes passwords with {iterations} PBKDF2 iterations
        (Hlr:PasswordIterations; the default, meant for real passwords), which registers only a few users per second.
        Stop the cluster (Ctrl-C in the terminal of ./imcells up) and start the benchmark cluster instead:
            ./imcells up --profile bench
        (its cells hash with {BenchProfileIterations} iterations), then run this command again.
        To register at this cost anyway, add --allow-slow-registration (users are kept in data/bench-users-*.tsv and reused).
        """);

    /// <summary>
    /// Registrations to run at once: the requested number when hashing is cheap; fewer when it is slow,
    /// so the queue in the cell stays under the login call's 10 s deadline (64 at 10 000, 2 at 600 000).
    /// </summary>
    public static int Concurrency(int? iterations, int requested)
    {
        if (iterations is not { } n || n <= CheapIterations)
        {
            return requested;
        }

        var affordable = (int)((long)CheapConcurrency * CheapIterations / n);
        return Math.Min(requested, Math.Max(2, affordable));
    }
}
