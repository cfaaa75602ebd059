using System.Diagnostics.Metrics;

namespace ImCells.Registry.Vlr;

/// <summary>The VLR cache (meter "ImCells.Vlr"): imcells_vlr_hits_total and imcells_vlr_misses_total.</summary>
public static class VlrMetrics
{
    public const string MeterName = "ImCells.Vlr";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Hits = Meter.CreateCounter<long>("hits_total", "{lookup}", "Look-ups of a foreign user answered from the VLR");

    private static readonly Counter<long> Misses = Meter.CreateCounter<long>("misses_total", "{lookup}", "Look-ups of a foreign user the VLR did not hold");

    internal static void Lookup(bool hit) => (hit ? Hits : Misses).Add(1);
}
