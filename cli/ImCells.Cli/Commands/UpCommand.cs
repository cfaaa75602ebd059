using System.Runtime.InteropServices;
using ImCells.Cli.Up;
using ImCells.Topology;

namespace ImCells.Cli.Commands;

/// <summary>imcells up: runs the whole cluster of the topology as child processes until Ctrl-C or SIGTERM.</summary>
internal static class UpCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, ["--topology"]);
        var root = RepoRoot.Find();
        var topologyPath = args.Optional("--topology") is { } given
            ? Path.GetFullPath(given)
            : RepoRoot.FindTopology() ?? Path.Combine(root, RepoRoot.TopologyFile);
        var topology = TopologyFile.Load(topologyPath);
        var servers = ServerBinaries.Locate(root);

        Console.Out.WriteLine($"topology {topologyPath} (version {topology.Version})");
        Console.Out.WriteLine($"master  grpc {topology.MasterGrpc}");
        foreach (var login in topology.Login)
        {
            Console.Out.WriteLine($"login   {login.Http}");
        }

        foreach (var cell in topology.Cells)
        {
            Console.Out.WriteLine($"cell {cell.Id}  grpc {cell.Grpc}  chat {string.Join(",", cell.Chat)}");
            for (var n = 1; n <= cell.ChatServers.Count; n++)
            {
                Console.Out.WriteLine($"chat {cell.Id}#{n}  chat {cell.ChatServers[n - 1].Chat}  grpc {cell.ChatServers[n - 1].Grpc}");
            }
        }

        using var stop = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        try
        {
            var code = await new ClusterSupervisor(topology, topologyPath, root, servers).RunAsync(stop.Token);
            Console.Out.WriteLine(stop.IsCancellationRequested ? "[up] stopped" : "[up] giving up");
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
