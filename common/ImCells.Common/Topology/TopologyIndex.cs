using ImCells.Protos.Topology;

namespace ImCells.Common.Topology;

/// <summary>A validated map with an O(log n) "which cell owns this number?".</summary>
public sealed class TopologyIndex
{
    private readonly (ulong First, ulong Last, CellInfo Cell)[] _ranges;

    public TopologyIndex(TopologyMap map)
    {
        Map = map;
        _ranges = map.Cells
            .SelectMany(c => c.Ranges.Select(r => (r.First, r.Last, c)))
            .OrderBy(r => r.First)
            .ToArray();
    }

    public TopologyMap Map { get; }

    public ulong Version => Map.Version;

    public CellInfo? FindCell(string id) => Map.Cells.FirstOrDefault(c => c.Id == id);

    public CellInfo? Locate(ulong userId)
    {
        int lo = 0, hi = _ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var range = _ranges[mid];
            if (userId < range.First)
            {
                hi = mid - 1;
            }
            else if (userId > range.Last)
            {
                lo = mid + 1;
            }
            else
            {
                return range.Cell;
            }
        }

        return null;
    }
}
