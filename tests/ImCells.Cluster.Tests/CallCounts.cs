using System.Diagnostics;

namespace ImCells.Cluster.Tests;

/// <summary>Per-target call counters from a cell's Status (presence batches, group deliveries), read once they stand still.</summary>
internal static class CallCounts
{
    public static ulong Of(IDictionary<string, ulong> calls, string cell) => calls.TryGetValue(cell, out var n) ? n : 0;

    /// <summary>The counts once they have not moved for 1.5 s (at most 30 s of waiting).</summary>
    public static async Task<Dictionary<string, ulong>> SettledAsync(Func<Task<IDictionary<string, ulong>>> read, string what, CancellationToken ct)
    {
        var quiet = TimeSpan.FromSeconds(1.5);
        var deadline = Stopwatch.StartNew();
        var last = new Dictionary<string, ulong>(await read());
        var unchanged = Stopwatch.StartNew();
        while (unchanged.Elapsed < quiet)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"{what} never settled for {quiet.TotalSeconds} s: {string.Join(", ", last)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            var now = new Dictionary<string, ulong>(await read());
            if (now.Count != last.Count || now.Any(kv => Of(last, kv.Key) != kv.Value))
            {
                last = now;
                unchanged.Restart();
            }
        }

        return last;
    }
}
