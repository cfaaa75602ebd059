using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ImCells.Topology;
using ImCells.Protos.Topology;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells topology add-cell: appends a cell with a fresh range to topology.json (validated against
/// the current map, next free ports, SQLite under data/) and raises the version. A running
/// `imcells up` starts it; the master publishes the new map to login and cells.
/// </summary>
internal static class TopologyCommand
{
    public static Task<int> RunAsync(string[] argv) => argv switch
    {
        ["add-cell", .. var rest] => Task.FromResult(AddCell(rest)),
        _ => throw new UsageException("topology takes: add-cell --id ID --range FIRST-LAST [--group-range FIRST-LAST] [--region R] [--grpc URL --chat ENTRY] [--sqlite FILE] [--topology PATH]"),
    };

    private static int AddCell(string[] argv)
    {
        var args = CliArgs.Parse(argv, ["--id", "--range", "--group-range", "--region", "--topology", "--grpc", "--chat", "--sqlite"]);
        var path = args.Optional("--topology") is { } given ? Path.GetFullPath(given)
            : RepoRoot.FindTopology() ?? throw new UsageException("no topology.json here; give --topology PATH");
        var current = TopologyFile.Load(path);
        var (first, last) = ParseRange(args.Required("--range"), "--range");
        var groups = args.Optional("--group-range") is { } groupArg ? ParseRange(groupArg, "--group-range") : ((ulong, ulong)?)null;
        var id = args.Required("--id");

        var next = current.Clone();
        next.Version = current.Version + 1;
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

        next.Cells.Add(cell);
        try
        {
            TopologyValidator.ValidateChange(current, next);
        }
        catch (TopologyException e)
        {
            throw new CliException($"cell '{id}' not added: {e.Message}");
        }

        // Replace in one rename, so the master never reads half a file.
        var temp = path + ".tmp";
        File.WriteAllText(temp, TopologyFile.ToJson(next) + "\n");
        File.Move(temp, path, overwrite: true);
        Console.Out.WriteLine($"cell {id} added to {path} (version {next.Version}): range {first}-{last}"
                              + (groups is { } g ? $"  groups {g.Item1}-{g.Item2}" : "") + $"  grpc {cell.Grpc}  chat {cell.Chat[0]}");
        Console.Out.WriteLine("a running `imcells up` starts it now; the master publishes the new map within seconds");
        return 0;
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
