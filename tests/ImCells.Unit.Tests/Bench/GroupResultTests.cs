using System.Text.Json.Nodes;
using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>bench group's result line: the fields, the rates, and which failure the verdict names first.</summary>
public sealed class GroupResultTests
{
    private static readonly HashSet<string> Flags = ["closed-loop"];

    [Fact]
    public void GoodRun_ReportsEveryField()
    {
        var json = Good().ToJson();

        Assert.Equal((1000, 1000, 10), ((int)json["members"]!, (int)json["online"]!, (int)json["senders"]!));
        Assert.Equal("[\"a\",\"b\"]", json["cells"]!.ToJsonString());
        Assert.Equal("a", (string)json["group_cell"]!);
        Assert.Equal(100.0, (double)json["rate"]!);
        Assert.Equal(100.0, (double)json["messages_per_s"]!);      // 1000 acked in 10 s
        Assert.Equal(79_920.0, (double)json["deliveries_per_s"]!); // 999 000 until the last delivery at 12.5 s
        Assert.Equal(999_000L, (long)json["deliveries"]!);
        Assert.Equal((0L, 0L, 0L, 0L), ((long)json["lost"]!, (long)json["unacked"]!, (long)json["duplicates"]!, (long)json["out_of_order"]!));
        Assert.Equal(12.35, (double)json["fanout_ms"]!);
        Assert.Equal(3.5, (double)json["setup_seconds"]!);
        Assert.Equal(4.2, (double)json["cpu_us_per_delivery"]!["cell_a"]!);
        Assert.True((bool)json["ok"]!);
        Assert.Equal("good", (string)json["verdict"]!);
        foreach (var field in new[] { "messages_acked", "p50_ms", "p99_ms", "max_ms", "lost_not_pushed", "lost_not_stored", "fanout_reached", "cpu_us_per_msg" })
        {
            Assert.True(json.ContainsKey(field), field);
        }
    }

    [Fact]
    public void Verdict_NamesLossFirst()
    {
        var result = Good() with { Sent = 1005, Lost = 7, Loss = new LossVerdict(5, 2, 0), Duplicates = 1 };
        var json = result.ToJson();

        Assert.False((bool)json["ok"]!);
        Assert.Equal("lost 7 deliveries (5 stored but not pushed, 2 not stored, 0 not verified)", (string)json["verdict"]!);
        Assert.Equal(5L, (long)json["unacked"]!);
    }

    [Fact]
    public void Verdict_ThenUnacked_Duplicates_Order_AndTheProbe()
    {
        Assert.StartsWith("5 sends not acknowledged (first error: FORBIDDEN", (Good() with { Sent = 1005, FirstError = "FORBIDDEN: x" }).Verdict);
        Assert.StartsWith("2 duplicate seqs", (Good() with { Duplicates = 2 }).Verdict);
        Assert.StartsWith("3 deliveries out of order", (Good() with { OutOfOrder = 3 }).Verdict);
        Assert.StartsWith("the fan-out probe reached 998/999", (Good() with { FanoutReached = 998 }).Verdict);
        Assert.StartsWith("no message acknowledged", (Good() with { Acked = 0 }).Verdict);
    }

    [Fact]
    public void ClosedLoop_HasNoRate_AndMissingFiguresAreNull()
    {
        var options = GroupBenchOptions.Parse(new BenchArgs(["--members", "4", "--closed-loop"], Flags), () => ["a"]);
        var json = (Good() with { Options = options, FanoutMs = null, CpuPerDelivery = null }).ToJson();

        Assert.Null(json["rate"]);
        Assert.Null(json["fanout_ms"]);
        Assert.Null(json["cpu_us_per_delivery"]);
        Assert.Equal("closed-loop", (string)json["load"]!);
    }

    private static GroupResult Good()
    {
        var latency = new LatencyHistogram();
        latency.Record(System.Diagnostics.Stopwatch.Frequency / 100); // 10 ms
        return new GroupResult
        {
            Options = GroupBenchOptions.Parse(new BenchArgs(["--members", "1000", "--rate", "100"], Flags), () => ["a", "b"]),
            Group = 90_000_001,
            SetupSeconds = 3.5,
            Sent = 1000,
            Acked = 1000,
            Errors = 0,
            SendSeconds = 10,
            DeliverySeconds = 12.5,
            Deliveries = 999_000,
            ExpectedDeliveries = 999_000,
            Duplicates = 0,
            Repeated = 0,
            OutOfOrder = 0,
            Latency = latency,
            AckLatency = new LatencyHistogram(),
            Lost = 0,
            FanoutMs = 12.345,
            FanoutReached = 999,
            FanoutExpected = 999,
            CpuPerMessage = new JsonObject { ["cell_a"] = 4200.0 },
            CpuPerDelivery = new JsonObject { ["cell_a"] = 4.2 },
        };
    }
}
