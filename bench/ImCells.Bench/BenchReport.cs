using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>
/// What happens to a benchmark's result: the JSON line first (scripts read it), then the summary
/// table for people (unless --json-only), and the exit code (<see cref="BenchOutcome"/>; targets
/// count only with --gate).
/// </summary>
internal sealed record BenchReport(bool Gate, bool JsonOnly)
{
    public const string GateFlag = "gate";
    public const string JsonOnlyFlag = "json-only";

    public static BenchReport From(BenchArgs args) => new(args.Has(GateFlag), args.Has(JsonOnlyFlag));

    public int Finish(string bench, string[] commandArgs, JsonObject result, TextWriter output)
    {
        var line = BenchEnvironment.ResultLine(bench, commandArgs, result);
        BenchEnvironment.Publish(line, output);
        var outcome = BenchOutcome.Judge(bench, line, Gate);
        if (!JsonOnly)
        {
            output.WriteLine();
            output.Write(BenchSummary.Format(bench, line, outcome));
        }

        return outcome.ExitCode;
    }
}
