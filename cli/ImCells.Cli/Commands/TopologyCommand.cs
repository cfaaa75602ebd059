using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ImCells.Cli.CommandLine;
using ImCells.Cli.TopologyEdit;
using ImCells.Topology;
using ImCells.Protos.Topology;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells topology add-cell: appends a cell with a fresh range to topology.json (validated against
/// the current map, next free ports, SQLite under data/) and raises the version. imcells topology
/// remove-cell: takes out a cell that has no users (asked of the cell, or read from its SQLite file
/// when it is not running). Both edit the file as text: the rest stays byte for byte, so the diff
/// shows only the cell and the version, and remove-cell undoes add-cell exactly. A running `imcells up`
/// starts or stops the cell; the master publishes the new map to login and cells.
/// </summary>
internal static class TopologyCommand
{
    private const string TopologyOption = "--topology";

    public static Command Build() => new CommandBuilder("topology", "edit topology.json: add-cell, remove-cell")
        .Sub(new CommandBuilder("add-cell", "append a cell with a new range (and raise the version)")
            .Value("--id", "ID", "the new cell's id (a-z, 0-9, '-')", required: true)
            .Value("--range", "FIRST-LAST", "its user numbers", required: true)
            .Value("--group-range", "FIRST-LAST", "its group numbers")
            .Value("--region", "R", "its region")
            .Value("--grpc", "URL", "its gRPC URL (with --chat; default: the next free port on loopback)")
            .Value("--chat", "ENTRY", "its chat entry, host:port or tls://host:port (with --grpc)")
            .Value("--sqlite", "FILE", "its SQLite file (default data/cell-ID.db)")
            .Value(TopologyOption, "FILE", "the topology to edit (default: ./topology.json, else the repository's)")
            .Run(args => Task.FromResult(AddCell(args))))
        .Sub(new CommandBuilder("remove-cell", "take out a cell that has no users (and raise the version)")
            .Value("--id", "ID", "the cell to remove", required: true)
            .Value(TopologyOption, "FILE", "the topology to edit (default: ./topology.json, else the repository's)")
            .Value(OperatorCells.Option, "DIR", "the PKI folder holding the operator certificate, to ask a running cell (default: data/pki under the repository root)")
            .Run(RemoveCellAsync))
        .Group();

    private static string TopologyPath(CliArgs args) => args.Optional(TopologyOption) is { } given ? Path.GetFullPath(given)
        : RepoRoot.FindTopology() ?? throw new UsageException("no topology.json here; give --topology PATH");

    private static int AddCell(CliArgs args)
    {
        var path = TopologyPath(args);
        var text = File.ReadAllText(path);
        var current = TopologyFile.Parse(text);
        var (first, last) = ParseRange(args.Required("--range"), "--range");
        var groups = args.Optional("--group-range") is { } groupArg ? ParseRange(groupArg, "--group-range") : ((ulong, ulong)?)null;
        var id = args.Required("--id");

        var (grpc, chat) = CellEndpoints(current, args.Optional("--grpc"), args.Optional("--chat"));
        var cell = new CellInfo
        {
            Id = id,
            Region = args.Optional("--region") ?? "",
            Grpc = grpc,
            Database = new DatabaseInfo { Provider = "sqlite", Connection = $"Data Source={args.Optional("--sqlite") ?? $"data/cell-{id}.db"}" },
        };
        cell.Chat.Add(chat);
        cell.Ranges.Add(new NumberRange { First = first, Last = last });
        if (groups is { } groupRange)
        {
            cell.GroupRanges.Add(new NumberRange { First = groupRange.Item1, Last = groupRange.Item2 });
        }

        var version = current.Version + 1;
        var edited = Edit(() => TopologyTextEdit.WithVersion(TopologyTextEdit.AddCell(text, TopologyFile.Section(cell)), version), current, $"cell '{id}' not added");
        Replace(path, edited);
        Console.Out.WriteLine($"cell {id} added to {path} (version {version}): range {first}-{last}"
                              + (groups is { } g ? $"  groups {g.Item1}-{g.Item2}" : "") + $"  grpc {cell.Grpc}  chat {cell.Chat[0]}");
        Console.Out.WriteLine("a running `imcells up` starts it now; the master publishes the new map within seconds");
        return 0;
    }

    private static async Task<int> RemoveCellAsync(CliArgs args)
    {
        var path = TopologyPath(args);
        var text = File.ReadAllText(path);
        var current = TopologyFile.Parse(text);
        var id = args.Required("--id");
        var cell = current.Cells.FirstOrDefault(c => c.Id == id) ?? throw new CliException($"{path} has no cell '{id}'");

        var operatorCells = OperatorCells.Open(args, out var missing);
        var (users, how) = await CellUsers.CountAsync(cell, operatorCells, missing, RepoRoot.TryFind() ?? Path.GetDirectoryName(path)!);
        if (users > 0)
        {
            throw new RefusedException($"cell {id} has {users} user{(users == 1 ? "" : "s")} ({how}): remove refused");
        }

        var version = current.Version + 1;
        var edited = Edit(() => TopologyTextEdit.WithVersion(TopologyTextEdit.RecordRemoved(TopologyTextEdit.RemoveCell(text, id), id), version), current, $"cell '{id}' not removed");
        Replace(path, edited);
        Console.Out.WriteLine($"cell {id} removed from {path} (version {version}): it had no users ({how})");
        Console.Out.WriteLine("a running `imcells up` stops it now; the master publishes the new map within seconds");
        return 0;
    }

    /// <summary>The edited text, if it parses and the master would accept it after <paramref name="current"/>.</summary>
    private static string Edit(Func<string> edit, TopologyMap current, string failure)
    {
        try
        {
            var edited = edit();
            TopologyValidator.ValidateChange(current, TopologyFile.Parse(edited));
            return edited;
        }
        catch (TopologyException e)
        {
            throw new CliException($"{failure}: {e.Message}");
        }
    }

    /// <summary>Replaces the file in one rename, so the master never reads half a file.</summary>
    private static void Replace(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>
    /// The new cell's gRPC URL and chat entry: as given (a cell on another host, e.g. a container),
    /// else the next free ports on loopback, with TLS on the chat port if the existing ones have it.
    /// </summary>
    private static (string Grpc, string Chat) CellEndpoints(TopologyMap current, string? grpc, string? chat)
    {
        if (grpc is not null || chat is not null)
        {
            return grpc is not null && chat is not null
                ? (grpc, chat)
                : throw new UsageException("give --grpc and --chat together (the new cell's gRPC URL and chat entry), or neither");
        }

        var taken = UsedPorts(current);
        var grpcPort = FreePort(NextPort(current.Cells.Select(c => new Uri(c.Grpc).Port), 7201), taken);
        taken.Add(grpcPort);
        var chatPort = FreePort(NextPort(current.Cells.SelectMany(c => c.Chat).Select(Port), 7301), taken);
        var tls = current.Cells.SelectMany(c => c.Chat).Any(c => c.StartsWith(Endpoints.TlsPrefix, StringComparison.OrdinalIgnoreCase));
        return ($"https://127.0.0.1:{grpcPort}", $"{(tls ? Endpoints.TlsPrefix : "")}127.0.0.1:{chatPort}");
    }

    private static (ulong First, ulong Last) ParseRange(string value, string option)
    {
        var dash = value.IndexOf('-');
        return dash > 0
               && ulong.TryParse(value.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
               && ulong.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            ? (first, last)
            : throw new UsageException($"{option} '{value}' is not FIRST-LAST");
    }

    private static int NextPort(IEnumerable<int> used, int floor) => used.DefaultIfEmpty(floor - 1).Max() + 1;

    private static int Port(string hostPort) => int.Parse(hostPort[(hostPort.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);

    /// <summary>Every port the topology already names: master, login servers, cells and their chat servers.</summary>
    private static HashSet<int> UsedPorts(TopologyMap map)
    {
        var urls = new[] { map.MasterGrpc }.Concat(map.Login.Select(l => l.Http))
            .Concat(map.Cells.Select(c => c.Grpc)).Concat(map.Cells.SelectMany(c => c.ChatServers.Select(s => s.Grpc)));
        var hostPorts = map.Cells.SelectMany(c => c.Chat).Concat(map.Cells.SelectMany(c => c.ChatServers.Select(s => s.Chat)));
        return [.. urls.Select(u => new Uri(u).Port), .. hostPorts.Select(Port)];
    }

    /// <summary>The first port from <paramref name="start"/> that the topology does not name and nothing on loopback listens on.</summary>
    private static int FreePort(int start, HashSet<int> taken)
    {
        for (var port = start; port < start + 100; port++)
        {
            if (taken.Contains(port))
            {
                continue;
            }

            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new CliException($"no free port in {start}-{start + 99}");
    }
}
