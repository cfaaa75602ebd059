using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using static ImCells.Bench.ResultFields;

namespace ImCells.Bench;

/// <summary>
/// The summary printed after the JSON line, for people: a title, one table row per thing measured
/// (count, failures, rate, p50/p95/p99, lost, duplicates), the CPU and the outcome. Made from the
/// result line alone, so it always agrees with it.
/// </summary>
internal static class BenchSummary
{
    public static readonly string[] Headers = ["measured", "count", "failed", "per s", "p50 ms", "p95 ms", "p99 ms", "lost", "dup"];

    private const string None = "-";

    public static string Format(string bench, JsonObject line, BenchOutcome outcome)
    {
        var (title, rows, notes) = bench switch
        {
            "chat" when line["steps"] is JsonArray => FindMax(line),
            "chat" => Chat(line),
            "group" => Group(line),
            "connections" => Connections(line),
            "login" => Login(line),
            "reconnect" => Reconnect(line),
            _ => ($"bench {bench}", new List<string[]>(), new List<string>()),
        };
        var text = new StringBuilder();
        text.Append(title).Append('\n');
        text.Append(TextTable.Format(Headers, rows));
        foreach (var note in notes)
        {
            text.Append(note).Append('\n');
        }

        text.Append($"load generator CPU: {Num(line["load_generator_cpu_seconds"], "0.##")} s in all\n");
        if (outcome.Target is { } target)
        {
            var informational = !outcome.TargetMet && outcome.ExitCode != BenchExitCodes.TargetMissed;
            text.Append($"target: {target}{(informational ? " (not gating the exit code; --gate makes a miss exit 3)" : "")}\n");
        }

        text.Append($"result: {outcome.Reason} (exit {outcome.ExitCode})\n");
        return text.ToString();
    }

    private static (string, List<string[]>, List<string>) Chat(JsonObject line)
    {
        var load = Text(line["load"]) == "closed-loop" ? "closed loop" : $"open loop {Num(line["offered_rate"], "0.#")} msg/s";
        var title = $"bench chat: {Text(line["mode"])}, {load} for {Num(line["seconds"])} s, {Num(line["users"])} users " +
                    $"({Num(line["pairs"])} pairs, cell {Text(line["sender_cell"])} -> cell {Text(line["receiver_cell"])})";
        var rows = Registers(line["register"]);
        rows.AddRange(StepRows(line, "send -> ack", "send -> delivered"));
        var notes = new List<string>();
        if (Cpu(line["cpu_us_per_msg"]) is { } cpu)
        {
            notes.Add($"CPU per delivered message: {cpu}");
        }

        return (title, rows, notes);
    }

    private static (string, List<string[]>, List<string>) FindMax(JsonObject line)
    {
        var title = $"bench chat --find-max: {Text(line["mode"])}, {Num(line["seconds_per_step"])} s per step, {Num(line["users"])} users " +
                    $"({Num(line["pairs"])} pairs), good = p99 <= {Num(line["p99_limit_ms"], "0.##")} ms and no loss";
        var rows = Registers(line["register"]);
        var notes = new List<string>();
        foreach (var step in (line["steps"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var label = $"step {Num(step["step"])} at {Num(step["offered_rate"], "0")}/s";
            rows.Add(Row($"{label}, delivered", step["delivered"], Failed(step), step["delivered_per_s"], step["latency"], step["lost"], step["duplicates"]));
            if (!Flag(step["good"]))
            {
                notes.Add($"{label}: {Text(step["verdict"])}");
            }

            if (Cpu(step["cpu_us_per_msg"]) is { } cpu)
            {
                notes.Add($"{label}: CPU per delivered message: {cpu}");
            }
        }

        notes.Add($"highest good rate: {Num(line["max_good_rate"], "0.#")} msg/s offered, {Num(line["max_good_delivered_per_s"], "0.#")} msg/s delivered " +
                  $"(stopped: {Text(line["stopped_because"])})");
        return (title, rows, notes);
    }

    private static List<string[]> StepRows(JsonObject step, string ackLabel, string deliveredLabel) =>
    [
        Row(ackLabel, step["acked"], Failed(step), null, step["ack_latency"], null, null),
        Row(deliveredLabel, step["delivered"], null, step["delivered_per_s"], step["latency"], step["lost"], step["duplicates"]),
    ];

    private static (string, List<string[]>, List<string>) Group(JsonObject line)
    {
        var load = Text(line["load"]) == "closed-loop" ? "closed loop" : $"open loop {Num(line["rate"], "0.#")} msg/s";
        var title = $"bench group: {Num(line["members"])} members in cells {string.Join(",", (line["cells"] as JsonArray ?? []).Select(Text))}, " +
                    $"{Num(line["online"])} online, {Num(line["senders"])} senders, {load} for {Num(line["seconds"])} s";
        var rows = Registers(line["register"]);
        rows.Add(Row("send -> ack", line["messages_acked"], line["unacked"], line["messages_per_s"], line["ack_latency"], null, null));
        rows.Add(Row($"send -> member devices (of {Num(line["expected_deliveries"])})", line["deliveries"], null, line["deliveries_per_s"], line, line["lost"], line["duplicates"]));
        var notes = new List<string>
        {
            $"fan-out probe: one message reached {Num(line["fanout_reached"])}/{Num(line["fanout_expected"])} online members in {Num(line["fanout_ms"], "0.##")} ms",
        };
        if (Count(line["out_of_order"]) > 0)
        {
            notes.Add($"out of order: {Num(line["out_of_order"])}");
        }

        if (Cpu(line["cpu_us_per_delivery"]) is { } cpu)
        {
            notes.Add($"CPU per delivery: {cpu}");
        }

        return (title, rows, notes);
    }

    private static (string, List<string[]>, List<string>) Connections(JsonObject line)
    {
        var title = $"bench connections: {Num(line["count"])} idle connections to cell {Text(line["cell"])}, held {Num(line["hold_seconds"])} s, " +
                    $"{Num(line["load_processes"])} load process(es)";
        var rows = Registers(line["register"]);
        rows.Add(Row("password login", line["logins_ok"], line["logins_failed"], line["logins_per_s"], null, null, null));
        rows.Add(Row("connect + auth", line["connects_ok"], line["connects_failed"], line["connects_per_s"], null, null, null));
        var per = line["per_connection"];
        var notes = new List<string>
        {
            $"held at the end: {Num(line["held_at_end"])}; the cell counted {Num(line["server_connections_added"])} more connections",
            $"per connection in the cell: RSS {Num(per?["rss_bytes"])} bytes, managed heap {Num(per?["managed_heap_bytes"])} bytes (after a forced GC)",
        };
        return (title, rows, notes);
    }

    private static (string, List<string[]>, List<string>) Login(JsonObject line)
    {
        var title = $"bench login: {Num(line["count"])} password logins to cell {Text(line["cell"])}, {Num(line["concurrency"])} at once, " +
                    $"{Num(line["pbkdf2_iterations"])} PBKDF2 iterations ({Text(line["pbkdf2_iterations_source"])})";
        var rows = Registers(line["register"]);
        rows.Add(Row("password login", line["logins_ok"], line["logins_failed"], line["logins_per_s"], line["login_latency"], null, null));
        return (title, rows, []);
    }

    private static (string, List<string[]>, List<string>) Reconnect(JsonObject line)
    {
        var title = $"bench reconnect: {Num(line["count"])} devices of cell {Text(line["cell"])} reconnect at once " +
                    $"(at most {Num(line["storm_concurrency"])} at a time) after the bench dropped them";
        var rows = Registers(line["register"]);
        rows.Add(Row("password login", line["logins_ok"], line["logins_failed"], null, null, null, null));
        rows.Add(Row("first connect", line["first_connects_ok"], line["first_connects_failed"], line["first_connects_per_s"], null, null, null));
        rows.Add(Row("reconnect + sync", line["reconnects_ok"], line["reconnects_failed"], line["synced_per_s"], line["per_device_ms"]?["total"], null, null));
        foreach (var (step, label) in new[] { ("tcp_connect", "tcp connect"), ("tls_handshake", "tls handshake"), ("auth_to_auth_ok", "auth -> auth ok"), ("sync", "sync") })
        {
            var latency = line["per_device_ms"]?[step];
            rows.Add(Row($"  {label}", latency?["samples"], null, null, latency, null, null));
        }

        var notes = new List<string>
        {
            $"all online after {Num(line["seconds_until_all_online"], "0.###")} s, all synced after {Num(line["seconds_until_all_synced"], "0.###")} s",
            $"CPU in the storm: cell {Num(line["server_cpu_seconds_in_storm"], "0.##")} s, load generator {Num(line["load_generator_cpu_seconds_in_storm"], "0.##")} s",
        };
        return (title, rows, notes);
    }

    // One row per cell registered in ("register" is an object, or an array of them for several cells).
    private static List<string[]> Registers(JsonNode? register)
    {
        var rows = new List<string[]>();
        var parts = register switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject one => [one],
            _ => [],
        };
        var reused = parts.Sum(p => Count(p["reused"]));
        var registered = parts.Sum(p => Count(p["registered"]));
        var registering = parts.Where(p => Count(p["registered"]) > 0).ToList();
        JsonNode? rate = registering.Count switch
        {
            0 => null,
            1 => registering[0]["per_s"]?.DeepClone(),
            _ => Math.Round(registered / Math.Max(registering.Sum(p => Number(p["seconds"]) ?? 0), 0.001), 1),
        };
        rows.Add(Row($"register users ({reused} reused)", registered, null, rate, null, null, null));
        return rows;
    }

    private static string[] Row(string label, JsonNode? count, JsonNode? failed, JsonNode? rate, JsonNode? latency, JsonNode? lost, JsonNode? duplicates) =>
    [
        label, Num(count), Num(failed), Num(rate, "0.0"),
        Num(latency?["p50_ms"], "0.00"), Num(latency?["p95_ms"], "0.00"), Num(latency?["p99_ms"], "0.00"),
        Num(lost), Num(duplicates),
    ];

    // Sends that got no SendAck: refused (errors) or never answered.
    private static JsonNode Failed(JsonObject step) => Count(step["errors"]) + Count(step["unanswered"]);

    // {"cell_a": 310.2, "load_generator": 150.3} as "cell a 310.2 µs, load generator 150.3 µs".
    private static string? Cpu(JsonNode? perMessage) => perMessage is JsonObject cpu && cpu.Count > 0
        ? string.Join(", ", cpu.Select(p => $"{p.Key.Replace('_', ' ')} {Num(p.Value, "0.0")} µs"))
        : null;

    private static string Num(JsonNode? node, string format = "0") =>
        Number(node) is { } value ? value.ToString(format, CultureInfo.InvariantCulture) : None;
}
