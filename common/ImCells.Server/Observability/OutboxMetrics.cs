using System.Diagnostics.Metrics;

namespace ImCells.Server.Observability;

/// <summary>
/// The cell's outbox toward each other cell (meter "ImCells.Outbox"): imcells_outbox_depth and
/// imcells_outbox_oldest_age_seconds, labelled target_cell. Read from a snapshot the cell refreshes
/// in the background: a scrape never waits for the database.
/// </summary>
public static class OutboxMetrics
{
    public const string MeterName = "ImCells.Outbox";
    public const string TargetTag = "target_cell";

    private static readonly Meter Meter = new(MeterName);

    public static readonly ObservedSources<long> DepthSources = new();
    public static readonly ObservedSources<double> OldestAgeSources = new();

    private static readonly ObservableGauge<long> Depth = Meter.CreateObservableGauge(
        "depth", DepthSources.Collect, "{message}", "Messages waiting in the outbox for a target cell");

    private static readonly ObservableGauge<double> OldestAge = Meter.CreateObservableGauge(
        "oldest_age_seconds", OldestAgeSources.Collect, "s", "Age of the oldest message waiting for a target cell (0 when none)");
}
