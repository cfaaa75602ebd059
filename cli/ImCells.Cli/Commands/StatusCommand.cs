using System.CommandLine;
using Grpc.Core;
using ImCells.Cli.CommandLine;
using ImCells.Cli.Status;
using ImCells.Cli.Up;
using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells status: with a running `imcells up` (its state file), one row per process: health from
/// its admin /readyz (down when its pid is gone or nothing answers; "listening" when it has no admin
/// endpoint but accepts connections), pid, uptime, restarts, connections, messages/s and outbox from
/// its /metrics. Then, as without `up`, the topology version and one line per cell: up or down from
/// login (anyone may ask), its figures from the cell itself, asked as the operator
/// (<see cref="OperatorCells"/>). Exits <see cref="ExitCodes.Unhealthy"/> when anything is down or not ready.
/// </summary>
internal static class StatusCommand
{
    public static Command Build() => new CommandBuilder("status", $"every process of `up` and every cell: health, pid, uptime, load; exits {ExitCodes.Unhealthy} when anything is down or not ready")
        .Login()
        .Value(OperatorCells.Option, "DIR", "the PKI folder holding the operator certificate, for the cells' figures (default: data/pki under the repository root)")
        .Value(UpCommand.StateOption, "FILE", $"the state file of a running `imcells up` (default: data/{UpState.DefaultFile} under the repository root)")
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var healthy = true;
        var state = ReadState(args);
        if (state is not null)
        {
            healthy &= await ProcessesAsync(state);
        }

        var operatorCells = OperatorCells.Open(args, out var missing);
        var logins = args.Optional(LoginUrl.Option) is null && state is not null
            ? string.Join(',', state.Processes.Where(p => p.Role == "login").Select(p => p.Endpoints.GetValueOrDefault("login")).OfType<string>())
            : null;
        using var api = logins is { Length: > 0 } ? new LoginApi(logins, CaFile.Resolve(args)) : LoginUrl.OpenApi(args);
        try
        {
            healthy &= await CellsAsync(api, operatorCells);
        }
        catch (Exception e) when (state is not null && e is ImClientException or RpcException)
        {
            // The rows above already say which login server is down; without `up` this is an error as before.
            Console.WriteLine($"cells: no login server answers ({e.GetBaseException().Message})");
            healthy = false;
        }

        if (missing is not null)
        {
            Console.Error.WriteLine($"imcells: no figures: they need the operator certificate ({missing})");
        }

        return healthy ? ExitCodes.Ok : ExitCodes.Unhealthy;
    }

    /// <summary>The state of a running `up`: --state FILE (which must exist), else data/up.json when it exists and its `up` runs.</summary>
    private static UpState? ReadState(CliArgs args)
    {
        var given = args.Optional(UpCommand.StateOption);
        var root = RepoRoot.TryFind();
        if (given is null && root is null)
        {
            return null;
        }

        var path = UpCommand.StatePath(args, root ?? "");
        var state = UpState.TryRead(path);
        if (state is null)
        {
            return given is null ? null : throw new CliException($"{path} does not exist: is `imcells up --state {given}` running?");
        }

        if (!state.UpRuns())
        {
            Console.Error.WriteLine($"imcells: {path} is left from an `imcells up` (pid {state.UpPid}) that no longer runs: ignored");
            return null;
        }

        return state;
    }

    private static async Task<bool> ProcessesAsync(UpState state)
    {
        var now = DateTimeOffset.UtcNow;
        Console.WriteLine($"up: pid {state.UpPid}, running {StatusTable.Uptime(now - state.StartedAt)}, profile {state.Profile}, topology {state.Topology}");
        var rows = await ProcessStatus.ScrapeAsync(state.Processes, CancellationToken.None);
        foreach (var line in StatusTable.Format(rows, DateTimeOffset.UtcNow))
        {
            Console.WriteLine(line);
        }

        return rows.All(r => r.Healthy);
    }

    private static async Task<bool> CellsAsync(LoginApi api, OperatorCells? operatorCells)
    {
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

        return status.Cells.All(c => c.Up);
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
