using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>
/// Per device of a storm, in ms: the TCP connect, the TLS handshake, Auth until AuthOk, Sync until
/// its answer, and all of it (NaN for a device that failed).
/// </summary>
internal sealed class StormSamples
{
    public static readonly string[] Names = ["tcp_connect", "tls_handshake", "auth_to_auth_ok", "sync", "total"];

    public StormSamples(int count)
    {
        Columns = Names.Select(_ => Enumerable.Repeat(double.NaN, count).ToArray()).ToArray();
    }

    private StormSamples(double[][] columns)
    {
        Columns = columns;
    }

    /// <summary>One array per <see cref="Names"/> entry, one value per device.</summary>
    public double[][] Columns { get; }

    public static void Max(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    public static StormSamples Concat(IEnumerable<StormSamples> parts)
    {
        var list = parts.ToList();
        return new StormSamples(Names.Select((_, c) => list.SelectMany(p => p.Columns[c]).ToArray()).ToArray());
    }

    public void Record(int device, ConnectPhases phases, long synced)
    {
        Columns[0][device] = ConnectPhases.Ms(phases.Start, phases.TcpDone);
        Columns[1][device] = ConnectPhases.Ms(phases.TcpDone, phases.TlsDone);
        Columns[2][device] = ConnectPhases.Ms(phases.TlsDone, phases.AuthDone);
        Columns[3][device] = ConnectPhases.Ms(phases.AuthDone, synced);
        Columns[4][device] = ConnectPhases.Ms(phases.Start, synced);
    }

    /// <summary>Percentiles of each step over the devices that made it.</summary>
    public JsonObject Summary()
    {
        var summary = new JsonObject();
        for (var c = 0; c < Names.Length; c++)
        {
            var histogram = new LatencyHistogram();
            var sum = 0.0;
            foreach (var ms in Columns[c].Where(v => !double.IsNaN(v)))
            {
                histogram.Record((long)(ms * System.Diagnostics.Stopwatch.Frequency / 1000.0));
                sum += ms;
            }

            var json = histogram.ToJson();
            json["mean_ms"] = histogram.Count == 0 ? 0 : BenchEnvironment.Round(sum / histogram.Count, 2);
            summary[Names[c]] = json;
        }

        return summary;
    }

    public JsonArray ToJson() => new(Columns.Select(column => (JsonNode)new JsonArray(
        column.Select(v => (JsonNode?)(double.IsNaN(v) ? null : JsonValue.Create(Math.Round(v, 3)))).ToArray())).ToArray());

    public static StormSamples FromJson(JsonNode node) => new(node.AsArray()
        .Select(column => column!.AsArray().Select(v => v is null ? double.NaN : (double)v).ToArray()).ToArray());
}

/// <summary>How one holder's storm went: the phase, when its last device got AuthOk and was synced (Unix ms), and the samples.</summary>
internal sealed record StormResult(PhaseResult Phase, long LastOnlineMs, long LastSyncedMs, StormSamples Samples)
{
    public JsonObject ToJson() => new()
    {
        ["phase"] = Phase.ToJson(),
        ["last_online_ms"] = LastOnlineMs,
        ["last_synced_ms"] = LastSyncedMs,
        ["samples"] = Samples.ToJson(),
    };

    public static StormResult FromJson(JsonNode node) => new(
        PhaseResult.FromJson(node["phase"]!), (long)node["last_online_ms"]!, (long)node["last_synced_ms"]!, StormSamples.FromJson(node["samples"]!));
}
