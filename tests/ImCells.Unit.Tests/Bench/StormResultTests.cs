using System.Text.Json.Nodes;
using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>
/// A worker's reconnect storm travels to the bench as one JSON line: the per-device steps must come
/// back as they were (a failed device stays missing, not zero) and merge with the other workers'.
/// </summary>
public sealed class StormResultTests
{
    [Fact]
    public void WorkerAnswer_RoundTripsAndMerges()
    {
        var samples = new StormSamples(3);
        var phases = new ConnectPhases { Start = 1_000 };
        phases.TcpDone = phases.Start + TicksOf(1);
        phases.TlsDone = phases.TcpDone + TicksOf(4);
        phases.AuthDone = phases.TlsDone + TicksOf(2);
        samples.Record(0, phases, phases.AuthDone + TicksOf(3));
        samples.Record(2, phases, phases.AuthDone + TicksOf(5));
        var sent = new StormResult(new PhaseResult(2, 1, 10, 20, "user 7: refused"), 15, 19, samples);

        var received = StormResult.FromJson(JsonNode.Parse(sent.ToJson().ToJsonString())!);
        var merged = StormSamples.Concat([received.Samples, samples]);

        Assert.Equal((2, 1, "user 7: refused", 15L, 19L),
            (received.Phase.Ok, received.Phase.Failed, received.Phase.FirstError, received.LastOnlineMs, received.LastSyncedMs));
        Assert.True(double.IsNaN(received.Samples.Columns[4][1]));
        Assert.Equal(10.0, received.Samples.Columns[4][0], precision: 2);
        Assert.Equal(6, merged.Columns[1].Length);
        var summary = merged.Summary();
        Assert.Equal(4, (long)summary["tls_handshake"]!["samples"]!);
        Assert.Equal(3.0 + 5.0, (double)summary["sync"]!["mean_ms"]! * 2, precision: 2);
    }

    private static long TicksOf(double ms) => (long)(ms * System.Diagnostics.Stopwatch.Frequency / 1000.0);
}
