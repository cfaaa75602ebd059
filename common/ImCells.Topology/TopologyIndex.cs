using ImCells.Protos.Topology;

namespace ImCells.Topology;

/// <summary>A validated map with an O(log n) "which cell owns this number?".</summary>
public sealed class TopologyIndex
{
    private readonly (ulong First, ulong Last, CellInfo Cell)[] _ranges;
    private readonly (ulong First, ulong Last, CellInfo Cell)[] _groupRanges;

    public TopologyIndex(TopologyMap map)
    {
        Map = map;
        _ranges = Sorted(map, c => c.Ranges);
        _groupRanges = Sorted(map, c => c.GroupRanges);
    }

    public TopologyMap Map { get; }

    public ulong Version => Map.Version;

    public CellInfo? FindCell(string id) => Map.Cells.FirstOrDefault(c => c.Id == id);

    /// <summary>Separates a cell's extra chat servers, named "cell#n" (n from 1), from the cell itself.</summary>
    public const char ChatServerMark = '#';

    /// <summary>
    /// The gRPC URL of a serving place: a cell ("a") or one of its extra chat servers ("a#1"); null
    /// when the topology does not know it.
    /// </summary>
    public string? GrpcOf(string servingId)
    {
        var mark = servingId.IndexOf(ChatServerMark);
        if (mark < 0)
        {
            return FindCell(servingId)?.Grpc;
        }

        var cell = FindCell(servingId[..mark]);
        return cell is not null && int.TryParse(servingId.AsSpan(mark + 1), out var n) && n >= 1 && n <= cell.ChatServers.Count
            ? cell.ChatServers[n - 1].Grpc
            : null;
    }

    public CellInfo? Locate(ulong userId) => Find(_ranges, userId);

    /// <summary>The cell a group number is homed in (its groupRanges), or null.</summary>
    public CellInfo? LocateGroup(ulong groupId) => Find(_groupRanges, groupId);

    private static (ulong First, ulong Last, CellInfo Cell)[] Sorted(TopologyMap map, Func<CellInfo, IEnumerable<NumberRange>> ranges) =>
        map.Cells.SelectMany(c => ranges(c).Select(r => (r.First, r.Last, c))).OrderBy(r => r.First).ToArray();

    private static CellInfo? Find((ulong First, ulong Last, CellInfo Cell)[] ranges, ulong number)
    {
        int lo = 0, hi = ranges.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var range = ranges[mid];
            if (number < range.First)
            {
                hi = mid - 1;
            }
            else if (number > range.Last)
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
