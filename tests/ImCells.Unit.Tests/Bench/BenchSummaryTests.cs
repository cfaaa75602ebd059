using System.Text.Json.Nodes;
using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>The summary after the JSON line: aligned columns, one row per thing measured, the CPU and the outcome.</summary>
public sealed class BenchSummaryTests
{
    [Fact]
    public void TextTable_LeftAlignsLabels_RightAlignsNumbers() =>
        Assert.Equal(
            "measured     count\nregister         5\nsend -> ack  12345\n",
            TextTable.Format(["measured", "count"], [["register", "5"], ["send -> ack", "12345"]]));

    [Fact]
    public void Chat_ShowsCountsRateLatencyLossCpuAndTheExitCode()
    {
        var line = ResultLines.Chat(p99: 111.91, ok: false);

        var lines = Summary("chat", line).Split('\n');

        Assert.Equal("bench chat: same-cell, open loop 1000 msg/s for 10 s, 200 users (100 pairs, cell a -> cell a)", lines[0]);
        Assert.Equal(string.Join("  ", "measured", "count", "failed", "per s", "p50 ms", "p95 ms", "p99 ms", "lost", "dup"), Squeeze(lines[1]));
        Assert.Equal("register users (0 reused)  200  -  959.4  -  -  -  -  -", Squeeze(lines[2]));
        Assert.Equal("send -> ack  9999  0  -  0.43  33.49  113.92  -  -", Squeeze(lines[3]));
        Assert.Equal("send -> delivered  9999  -  999.8  0.43  32.05  111.91  0  0", Squeeze(lines[4]));
        Assert.Equal("CPU per delivered message: cell a 429.1 µs, load generator 185.0 µs", lines[5]);
        Assert.Contains("missed (p99 111.91 ms > 100 ms) (not gating the exit code; --gate makes a miss exit 3)", lines[7], StringComparison.Ordinal);
        Assert.Equal("result: completed: every message delivered once, in order (exit 0)", lines[8]);
    }

    [Fact]
    public void Table_ColumnsLineUp()
    {
        var lines = Summary("chat", ResultLines.Chat(p99: 5, ok: true)).Split('\n');
        var header = lines[1];

        // Numbers are right-aligned: each row's "p99 ms" value ends where the header's does.
        var p99End = header.IndexOf("p99 ms", StringComparison.Ordinal) + "p99 ms".Length;
        Assert.Equal(" 5.00", lines[4][(p99End - 5)..p99End]);
        Assert.All(lines[1..5], l => Assert.Equal(header.Length, l.Length));
    }

    [Fact]
    public void FindMax_OneRowPerStep_AndTheHighestGoodRate()
    {
        var text = Summary("chat", ResultLines.FindMax(lostInLastStep: 0));

        Assert.Contains("step 1 at 1000/s, delivered", text, StringComparison.Ordinal);
        Assert.Contains("step 2 at 2000/s: 2 sends unanswered after 5 s grace", text, StringComparison.Ordinal);
        Assert.Contains("highest good rate: 1000 msg/s offered, 999.3 msg/s delivered", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Connections_ShowsBytesPerConnectionAndTheTarget()
    {
        var text = Summary("connections", ResultLines.Connections(held: 100, rssPerConnection: 22_000));

        Assert.Contains("per connection in the cell: RSS 22000 bytes, managed heap 8807 bytes", text, StringComparison.Ordinal);
        Assert.Contains("target: RSS per connection 22000 bytes (target <= 8192 bytes): missed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void LineBuiltInProcess_ReadsLikeAParsedOne()
    {
        // The live line holds CLR numbers (long, int, double), not parsed JSON.
        var live = new JsonObject { ["bench"] = "login", ["count"] = 3, ["logins_ok"] = 3L, ["logins_failed"] = 0, ["logins_per_s"] = 12.5, ["target_logins_per_s"] = 2000 };

        var text = Summary("login", live);

        Assert.Contains("password login", text, StringComparison.Ordinal);
        Assert.Matches(@"password login\s+3\s+0\s+12\.5", text);
    }

    private static string Summary(string bench, JsonObject line) => BenchSummary.Format(bench, line, BenchOutcome.Judge(bench, line, gate: false));

    // Runs of spaces as two, so a row can be compared without its padding.
    private static string Squeeze(string row) => System.Text.RegularExpressions.Regex.Replace(row, " {2,}", "  ");
}
