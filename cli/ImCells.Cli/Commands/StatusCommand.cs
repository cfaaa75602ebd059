namespace ImCells.Cli.Commands;

/// <summary>imcells status: the topology version and one line per cell.</summary>
internal static class StatusCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, LoginUrl.Options);
        using var api = LoginUrl.OpenApi(args);
        var status = await api.StatusAsync();
        Console.WriteLine($"topology version {status.TopologyVersion}");
        foreach (var cell in status.Cells)
        {
            var line = $"cell {cell.Id}  {(cell.Up ? "up" : "down")}  connections {cell.Connections}  online {cell.OnlineUsers}"
                       + $"  home users here {cell.HomeUsersHere}  visitors here {cell.VisitorsHere}  users {cell.Users}  outbox {cell.OutboxPending}  grpc {cell.Grpc}  chat {string.Join(",", cell.Chat)}";
            if (!string.IsNullOrEmpty(cell.Error))
            {
                line += $"  error {cell.Error}";
            }

            Console.WriteLine(line);
        }

        return 0;
    }
}
