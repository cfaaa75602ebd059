using System.Globalization;
using System.Text.Json.Nodes;
using static ImCells.Bench.ResultFields;

namespace ImCells.Bench;

/// <summary>
/// The exit code of a result line and why. A run that accounted for every message and request
/// exits 0 whatever its latency; loss, duplicates, reordering, failed or unanswered requests exit 1;
/// a missed target (p99, rate, bytes per connection, storm time) exits 3, but only with --gate.
/// Target says how the run stood against its target ("... (target <= 5 s): met"); null when the kind has none.
/// </summary>
internal sealed record BenchOutcome(int ExitCode, string Reason, string? Target, bool TargetMet = true)
{
    public static BenchOutcome Judge(string bench, JsonObject line, bool gate)
    {
        var failure = bench switch
        {
            "chat" when line["steps"] is JsonArray steps => FindMaxFailure(steps),
            "chat" => ChatFailure(line),
            "group" => Flag(line["ok"]) ? null : Text(line["verdict"]) ?? "not ok",
            "connections" => ConnectionsFailure(line),
            "login" => Count(line["logins_failed"]) > 0 ? $"{Count(line["logins_failed"])} logins failed (first: {Text(line["first_error"])})" : null,
            "reconnect" => ReconnectFailure(line),
            _ => null,
        };
        var (met, target) = TargetOf(bench, line);
        if (failure is not null)
        {
            return new BenchOutcome(BenchExitCodes.Failed, failure, target, met);
        }

        return gate && !met
            ? new BenchOutcome(BenchExitCodes.TargetMissed, "completed, but missed the target (--gate)", target, met)
            : new BenchOutcome(BenchExitCodes.Completed, bench is "chat" or "group" ? "completed: every message delivered once, in order" : "completed: no failures", target, met);
    }

    private static string? ChatFailure(JsonObject step)
    {
        var problems = new List<string>();
        Add(problems, step, "lost", "lost (acknowledged, never delivered)");
        Add(problems, step, "duplicates", "duplicates");
        Add(problems, step, "out_of_order", "out of order");
        Add(problems, step, "errors", $"errors (first: {Text(step["first_error"])})");
        Add(problems, step, "unanswered", "sends unanswered after the grace");
        return problems.Count == 0 ? null : string.Join(", ", problems);
    }

    // The ladder ends at the first step that is not good; its errors and unanswered sends are the
    // overload that ended it, not a failure. Loss, duplicates or reordering in any step are.
    private static string? FindMaxFailure(JsonArray steps)
    {
        var problems = new List<string>();
        foreach (var step in steps.OfType<JsonObject>())
        {
            var before = problems.Count;
            Add(problems, step, "lost", "lost");
            Add(problems, step, "duplicates", "duplicates");
            Add(problems, step, "out_of_order", "out of order");
            if (problems.Count > before)
            {
                problems.Insert(before, $"step {Count(step["step"])}:");
            }
        }

        if (steps.Count > 0 && Count(steps[0]?["delivered"]) == 0)
        {
            problems.Add($"the first step delivered nothing ({Text(steps[0]?["verdict"])})");
        }

        return problems.Count == 0 ? null : string.Join(" ", problems);
    }

    private static string? ConnectionsFailure(JsonObject line)
    {
        var problems = new List<string>();
        Add(problems, line, "logins_failed", "logins failed");
        Add(problems, line, "connects_failed", "connects failed");
        var held = Count(line["held_at_end"]);
        if (held != Count(line["count"]))
        {
            problems.Add($"{held}/{Count(line["count"])} connections held at the end");
        }

        return Join(problems, line);
    }

    private static string? ReconnectFailure(JsonObject line)
    {
        var problems = new List<string>();
        Add(problems, line, "logins_failed", "logins failed");
        Add(problems, line, "first_connects_failed", "first connects failed");
        Add(problems, line, "reconnects_failed", "reconnects failed");
        if (problems.Count == 0 && Count(line["reconnects_ok"]) != Count(line["first_connects_ok"]))
        {
            problems.Add($"{Count(line["reconnects_ok"])} of {Count(line["first_connects_ok"])} devices reconnected");
        }

        return Join(problems, line);
    }

    private static (bool Met, string? Text) TargetOf(string bench, JsonObject line) => bench switch
    {
        "chat" when line["steps"] is JsonArray => (Flag(line["ok"]),
            Flag(line["ok"]) ? $"highest good rate {Fmt(line["max_good_rate"])}/s (p99 <= {Fmt(line["p99_limit_ms"])} ms)" : $"no good step ({Text(line["stopped_because"])})"),
        "chat" => (Flag(line["ok"]), $"p99 {Fmt(line["latency"]?["p99_ms"])} ms, delivered {Fmt(line["delivered_per_s"])}/s of {Fmt(line["offered_rate"])}/s offered: " +
            (Flag(line["ok"]) ? "met" : $"missed ({Text(line["verdict"])})")),
        "connections" => Limit(Number(line["per_connection"]?["rss_bytes"]), Number(line["target_rss_bytes_per_connection"]), "RSS per connection", " bytes", atMost: true),
        "login" => Limit(Number(line["logins_per_s"]), Number(line["target_logins_per_s"]), "logins", "/s", atMost: false),
        "reconnect" => Limit(Number(line["seconds_until_all_synced"]), Number(line["target_seconds"]), "all synced after", " s", atMost: true),
        _ => (true, null),
    };

    private static (bool, string?) Limit(double? value, double? target, string what, string unit, bool atMost)
    {
        if (target is null)
        {
            return (true, null);
        }

        if (value is null)
        {
            return (false, $"{what}: not measured (target {Fmt(target)}{unit}): missed");
        }

        var met = atMost ? value <= target : value >= target;
        return (met, $"{what} {Fmt(value)}{unit} (target {(atMost ? "<=" : ">=")} {Fmt(target)}{unit}): {(met ? "met" : "missed")}");
    }

    private static void Add(List<string> problems, JsonObject line, string field, string label)
    {
        var count = Count(line[field]);
        if (count > 0)
        {
            problems.Add($"{count} {label}");
        }
    }

    private static string? Join(List<string> problems, JsonObject line) =>
        problems.Count == 0 ? null : string.Join(", ", problems) + (Text(line["first_error"]) is { } first ? $" (first error: {first})" : "");

    private static string Fmt(JsonNode? node) => Fmt(Number(node));

    private static string Fmt(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "-";
}
