using Grpc.Core;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells status: the topology version and one line per cell. Whether a cell is up comes from
/// login (anyone may ask); its figures from the cell itself, asked as the operator (<see cref="OperatorCells"/>).
/// Without the operator certificate the lines say up or down only, and one line on stderr says why.
/// </summary>
internal static class StatusCommand
{
    private static readonly string[] Options = [.. LoginUrl.Options, OperatorCells.Option];

    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, Options);
        var operatorCells = OperatorCells.Open(args, out var missing);
        using var api = LoginUrl.OpenApi(args);
        var status = await api.StatusAsync();
        Console.WriteLine($"topology version {status.TopologyVersion}");
        foreach (var cell in status.Cells)
        {
            var line = $"cell {cell.Id}  {(cell.Up ? "up" : "down")}";
            if (cell.Up && operatorCells is not null)
            {
                line += await FiguresAsync(operatorCells, cell.Id, cell.Grpc);
            }

            line += $"  grpc {cell.Grpc}  chat {string.Join(",", cell.Chat)}";
            if (!string.IsNullOrEmpty(cell.Error))
            {
                line += $"  error {cell.Error}";
            }

            Console.WriteLine(line);
        }

        if (missing is not null)
        {
            Console.Error.WriteLine($"imcells: no figures: they need the operator certificate ({missing})");
        }

        return 0;
    }

    private static async Task<string> FiguresAsync(OperatorCells operatorCells, string cellId, string grpc)
    {
        try
        {
            var cell = await operatorCells.StatusAsync(cellId, grpc);
            return $"  connections {cell.Connections}  online {cell.OnlineUsers}  home users here {cell.HomeUsersHere}"
                   + $"  visitors here {cell.Visitors.Count}  users {cell.Users}  outbox {cell.OutboxPending}  pid {cell.Pid}  rss {cell.RssBytes / (1024 * 1024)} MB";
        }
        catch (RpcException e)
        {
            return $"  figures unavailable ({OperatorCells.Describe(e)})";
        }
    }
}
