using System.Text.Json.Nodes;
using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>
/// Exit codes from a result line: 0 when every message is accounted for whatever the latency,
/// 1 for loss, duplicates, reordering or failed requests, 3 for a missed target only with --gate.
/// </summary>
public sealed class BenchOutcomeTests
{
    [Fact]
    public void Chat_CleanButOverTheP99Limit_ExitsZeroWithoutGate()
    {
        var outcome = BenchOutcome.Judge("chat", ResultLines.Chat(p99: 111.9, ok: false), gate: false);

        Assert.Equal(0, outcome.ExitCode);
        Assert.False(outcome.TargetMet);
        Assert.Contains("missed", outcome.Target, StringComparison.Ordinal);
    }

    [Fact]
    public void Chat_CleanButOverTheP99Limit_ExitsThreeWithGate() =>
        Assert.Equal(3, BenchOutcome.Judge("chat", ResultLines.Chat(p99: 111.9, ok: false), gate: true).ExitCode);

    [Fact]
    public void Chat_WithinTarget_ExitsZeroWithGate() =>
        Assert.Equal(0, BenchOutcome.Judge("chat", ResultLines.Chat(p99: 9, ok: true), gate: true).ExitCode);

    [Theory]
    [InlineData("lost")]
    [InlineData("duplicates")]
    [InlineData("out_of_order")]
    [InlineData("errors")]
    [InlineData("unanswered")]
    public void Chat_AnyMessageNotAccountedFor_ExitsOne(string field)
    {
        var line = ResultLines.Chat(p99: 5, ok: false);
        line[field] = 3;

        var outcome = BenchOutcome.Judge("chat", line, gate: false);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("3 ", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FindMax_LastStepOverloaded_ExitsZero()
    {
        var line = ResultLines.FindMax(lostInLastStep: 0);

        Assert.Equal(0, BenchOutcome.Judge("chat", line, gate: false).ExitCode);
        Assert.Equal(0, BenchOutcome.Judge("chat", line, gate: true).ExitCode);
    }

    [Fact]
    public void FindMax_LossInAStep_ExitsOne()
    {
        var outcome = BenchOutcome.Judge("chat", ResultLines.FindMax(lostInLastStep: 2), gate: false);

        Assert.Equal(1, outcome.ExitCode);
        Assert.Contains("step 2: 2 lost", outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Connections_OverTheBytesTarget_GatesOnlyWithGate()
    {
        var line = ResultLines.Connections(held: 100, rssPerConnection: 22_000);

        Assert.Equal(0, BenchOutcome.Judge("connections", line, gate: false).ExitCode);
        Assert.Equal(3, BenchOutcome.Judge("connections", line, gate: true).ExitCode);
    }

    [Fact]
    public void Connections_NotAllHeld_ExitsOne() =>
        Assert.Equal(1, BenchOutcome.Judge("connections", ResultLines.Connections(held: 99, rssPerConnection: 4000), gate: false).ExitCode);

    [Fact]
    public void Login_FailedLogins_ExitOne_SlowLoginsOnlyWithGate()
    {
        var slow = JsonNode.Parse("""{"logins_failed":0,"logins_per_s":600,"target_logins_per_s":2000}""")!.AsObject();
        var failed = JsonNode.Parse("""{"logins_failed":2,"first_error":"BadToken","logins_per_s":600,"target_logins_per_s":2000}""")!.AsObject();

        Assert.Equal((0, 3, 1), (BenchOutcome.Judge("login", slow, false).ExitCode, BenchOutcome.Judge("login", slow, true).ExitCode, BenchOutcome.Judge("login", failed, false).ExitCode));
    }

    [Fact]
    public void Reconnect_FewerReconnectedThanConnected_ExitsOne()
    {
        var line = JsonNode.Parse("""{"logins_failed":0,"first_connects_failed":0,"reconnects_failed":0,"first_connects_ok":10,"reconnects_ok":9,"seconds_until_all_synced":1.2,"target_seconds":5}""")!.AsObject();

        Assert.Equal(1, BenchOutcome.Judge("reconnect", line, gate: false).ExitCode);
    }

    [Fact]
    public void Group_NotOk_ExitsOne_ItsVerdictTheReason()
    {
        var line = JsonNode.Parse("""{"ok":false,"verdict":"lost 4 deliveries"}""")!.AsObject();

        Assert.Equal((1, "lost 4 deliveries"), (BenchOutcome.Judge("group", line, false).ExitCode, BenchOutcome.Judge("group", line, false).Reason));
    }
}
