using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>The numbers of one bench group run (counters as they stood after the drain) and the result line made of them.</summary>
internal sealed record GroupResult
{
    public required GroupBenchOptions Options { get; init; }

    public ulong Group { get; init; }

    /// <summary>The group's home cell as the server named it; null: the first of the cells.</summary>
    public string? GroupCell { get; init; }

    public double SetupSeconds { get; init; }

    public required long Sent { get; init; }

    public required long Acked { get; init; }

    /// <summary>Sends refused by an Error or not written (the connection was gone).</summary>
    public required long Errors { get; init; }

    public string? FirstError { get; init; }

    public required double SendSeconds { get; init; }

    /// <summary>From the start of the sends to the last delivery (0 without any).</summary>
    public required double DeliverySeconds { get; init; }

    public required long Deliveries { get; init; }

    public required long ExpectedDeliveries { get; init; }

    public required long Duplicates { get; init; }

    public required long Repeated { get; init; }

    public required long OutOfOrder { get; init; }

    public required LatencyHistogram Latency { get; init; }

    public required LatencyHistogram AckLatency { get; init; }

    /// <summary>(member, acknowledged message) pairs that never arrived.</summary>
    public required long Lost { get; init; }

    public LossVerdict Loss { get; init; }

    public double? FanoutMs { get; init; }

    public int FanoutReached { get; init; }

    public int FanoutExpected { get; init; }

    public string? FanoutError { get; init; }

    public JsonObject? CpuPerMessage { get; init; }

    public JsonObject? CpuPerDelivery { get; init; }

    /// <summary>Sends without a group_send_ack: refused, not written, or unanswered after the drain.</summary>
    public long Unacked => Sent - Acked;

    public string Verdict =>
        Acked == 0 ? $"no message acknowledged (first error: {FirstError ?? "none"})" :
        Lost > 0 ? $"lost {Lost} deliveries ({Loss.NotPushed} stored but not pushed, {Loss.NotStored} not stored, {Loss.Unverified} not verified)" :
        Unacked > 0 ? $"{Unacked} sends not acknowledged (first error: {FirstError ?? "none: unanswered after the drain"})" :
        Duplicates + Repeated > 0 ? $"{Duplicates} duplicate seqs, {Repeated} messages under a second seq" :
        OutOfOrder > 0 ? $"{OutOfOrder} deliveries out of order" :
        FanoutReached < FanoutExpected ? $"the fan-out probe reached {FanoutReached}/{FanoutExpected} members ({FanoutError ?? "drain ended"})" :
        "good";

    public JsonObject ToJson()
    {
        var deliveryWindow = Math.Max(SendSeconds, DeliverySeconds);
        var verdict = Verdict;
        return new JsonObject
        {
            ["members"] = Options.Members,
            ["online"] = Options.Online,
            ["senders"] = Options.Senders,
            ["cells"] = new JsonArray([.. Options.Cells.Select(c => JsonValue.Create(c))]),
            ["group"] = Group,
            ["group_cell"] = GroupCell ?? Options.Cells[0],
            ["load"] = Options.Load,
            ["rate"] = Options.ClosedLoop ? null : Options.Rate,
            ["seconds"] = Options.Seconds,
            ["drain_seconds"] = Options.DrainSeconds,
            ["sent"] = Sent,
            ["messages_acked"] = Acked,
            ["messages_per_s"] = BenchEnvironment.Round(Acked / Math.Max(SendSeconds, 0.001)),
            ["unacked"] = Unacked,
            ["errors"] = Errors,
            ["first_error"] = FirstError,
            ["deliveries"] = Deliveries,
            ["expected_deliveries"] = ExpectedDeliveries,
            ["deliveries_per_s"] = BenchEnvironment.Round(Deliveries / Math.Max(deliveryWindow, 0.001)),
            ["p50_ms"] = BenchEnvironment.Round(Latency.PercentileMs(50), 2),
            ["p90_ms"] = BenchEnvironment.Round(Latency.PercentileMs(90), 2),
            ["p95_ms"] = BenchEnvironment.Round(Latency.PercentileMs(95), 2),
            ["p99_ms"] = BenchEnvironment.Round(Latency.PercentileMs(99), 2),
            ["max_ms"] = BenchEnvironment.Round(Latency.MaxMs, 2),
            ["ack_latency"] = AckLatency.ToJson(),
            ["lost"] = Lost,
            ["lost_not_pushed"] = Loss.NotPushed,
            ["lost_not_stored"] = Loss.NotStored,
            ["lost_unverified"] = Loss.Unverified,
            ["duplicates"] = Duplicates,
            ["repeated_messages"] = Repeated,
            ["out_of_order"] = OutOfOrder,
            ["fanout_ms"] = FanoutMs is { } fanout ? BenchEnvironment.Round(fanout, 2) : null,
            ["fanout_reached"] = FanoutReached,
            ["fanout_expected"] = FanoutExpected,
            ["fanout_error"] = FanoutError,
            ["setup_seconds"] = BenchEnvironment.Round(SetupSeconds, 2),
            ["cpu_us_per_msg"] = CpuPerMessage?.DeepClone(),
            ["cpu_us_per_delivery"] = CpuPerDelivery?.DeepClone(),
            ["ok"] = verdict == "good",
            ["verdict"] = verdict,
        };
    }
}
