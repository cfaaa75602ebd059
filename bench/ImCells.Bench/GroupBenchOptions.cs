namespace ImCells.Bench;

/// <summary>
/// The options of bench group, checked up front. Members are spread round robin over
/// <see cref="Cells"/> (member i is homed in Cells[i % count]); the first <see cref="Online"/>
/// members connect, and the first <see cref="Senders"/> of those send (member 0, homed in the
/// first cell, creates the group).
/// </summary>
internal sealed record GroupBenchOptions(
    int Members, int Online, int Senders, double Rate, bool ClosedLoop, int Seconds, int DrainSeconds,
    IReadOnlyList<string> Cells, string? Pool, BenchCluster Cluster)
{
    /// <summary>The most members one group_create or one ADD may name.</summary>
    public const int MembersPerRequest = 1000;

    /// <summary>Connections one load process holds at the most (its source ports), as in bench chat.</summary>
    public const int MaxOnline = 19_000;

    public const double DefaultRate = 100;

    public string Load => ClosedLoop ? "closed-loop" : "open-loop";

    /// <param name="topologyCells">The cells to use without --cells (the ones that home users).</param>
    public static GroupBenchOptions Parse(BenchArgs args, Func<IReadOnlyList<string>> topologyCells)
    {
        var members = args.Int("members", 1000, min: 2, max: 1_000_000);
        var online = args.Int("online", Math.Min(members, 1000), min: 2, max: Math.Min(members, MaxOnline));
        var senders = args.Int("senders", Math.Min(online, 10), min: 1, max: online);
        var closedLoop = args.Has("closed-loop");
        var rate = args.Double("rate", closedLoop ? 0 : DefaultRate, min: 0.001);
        if (closedLoop && args.Has("rate"))
        {
            throw BenchException.Usage("give --rate R or --closed-loop, not both");
        }

        var cellsText = args.String("cells");
        var options = new GroupBenchOptions(
            members, online, senders, closedLoop ? 0 : rate, closedLoop,
            Seconds: args.Int("seconds", 10, min: 1, max: 3600),
            DrainSeconds: args.Int("drain", 10, min: 1, max: 600),
            Cells: cellsText is null ? topologyCells() : ParseCells(cellsText),
            Pool: args.String("pool"),
            Cluster: BenchCluster.From(args));
        args.RejectUnknown();
        return options.Cells.Count > 0 ? options : throw BenchException.Usage("no cell to home the members in (give --cells a,b)");
    }

    /// <summary>The cell member <paramref name="member"/> is homed in.</summary>
    public int CellIndexOf(int member) => member % Cells.Count;

    /// <summary>How many members the cell at <paramref name="cellIndex"/> homes.</summary>
    public int MembersIn(int cellIndex) => (Members / Cells.Count) + (cellIndex < Members % Cells.Count ? 1 : 0);

    private static List<string> ParseCells(string text)
    {
        var cells = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        if (cells.Count == 0 || cells.Distinct(StringComparer.Ordinal).Count() != cells.Count)
        {
            throw BenchException.Usage($"--cells must name distinct cells, comma separated, got '{text}'");
        }

        return cells;
    }
}
