using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>
/// CPU time spent by the cells a run drives (their Status, asked as the operator, without a GC) and
/// by the load generator itself, between two readings: turned into microseconds per delivered
/// message, the figure that says what a message costs whatever the rate.
/// </summary>
internal sealed class CpuMeter(BenchCluster cluster, IReadOnlyList<string> cells)
{
    public sealed record Reading(IReadOnlyDictionary<string, double> CellSeconds, double LoadGeneratorSeconds);

    /// <summary>A reading, or null when a cell cannot be asked or does not report its CPU (the run goes on without the figure).</summary>
    public async Task<Reading?> ReadAsync(CancellationToken ct)
    {
        var seconds = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            foreach (var cell in cells)
            {
                var cpu = (await ClusterStatus.CellAsync(cluster, cell, ct, collectGarbage: false)).CpuSeconds;
                if (cpu <= 0)
                {
                    return null; // a cell older than the figure
                }

                seconds[cell] = cpu;
            }
        }
        catch (BenchException)
        {
            return null;
        }

        using var self = Process.GetCurrentProcess();
        return new Reading(seconds, self.TotalProcessorTime.TotalSeconds);
    }

    /// <summary>{"cell a": µs, ..., "load_generator": µs} per delivered message between the readings.</summary>
    public static JsonObject? PerMessage(Reading? before, Reading? after, long delivered)
    {
        if (before is null || after is null || delivered <= 0)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (cell, start) in before.CellSeconds)
        {
            result[$"cell_{cell}"] = Micros(after.CellSeconds[cell] - start, delivered);
        }

        result["load_generator"] = Micros(after.LoadGeneratorSeconds - before.LoadGeneratorSeconds, delivered);
        return result;
    }

    private static double Micros(double seconds, long delivered) => BenchEnvironment.Round(seconds * 1e6 / delivered, 1);
}
