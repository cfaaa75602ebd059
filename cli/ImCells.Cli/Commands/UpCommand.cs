using System.CommandLine;
using System.Runtime.InteropServices;
using ImCells.Cli.CommandLine;
using ImCells.Cli.Up;
using ImCells.Topology;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells up: runs the whole cluster of the topology as child processes until Ctrl-C or SIGTERM,
/// restarting any that crash, and lists them in a state file for `imcells status`.
/// </summary>
internal static class UpCommand
{
    public const string StateOption = "--state";

    public static Command Build() => new CommandBuilder("up", "start master, login and the cells of topology.json, restart any that crash; Ctrl-C stops them")
        .Value("--topology", "FILE", "the topology to run (default: ./topology.json, else the repository's)")
        .Choice(UpProfile.Option, "default: the servers' settings; bench: cheap password hashing, for benchmarks only", required: false, "default", "bench")
        .Value(StateOption, "FILE", $"where to list the running processes for `imcells status` (default: data/{UpState.DefaultFile} under the repository root)")
        .Run(RunAsync);

    /// <summary>The state file: --state FILE, else data/up.json under the repository root.</summary>
    public static string StatePath(CliArgs args, string root) =>
        args.Optional(StateOption) is { } given ? Path.GetFullPath(given) : Path.Combine(root, RepoRoot.DataFolder, UpState.DefaultFile);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var root = RepoRoot.Find();
        var topologyPath = args.Optional("--topology") is { } given
            ? Path.GetFullPath(given)
            : RepoRoot.FindTopology() ?? Path.Combine(root, RepoRoot.TopologyFile);
        var topology = TopologyFile.Load(topologyPath);
        var profile = UpProfile.Named(args.Optional(UpProfile.Option));
        var statePath = StatePath(args, root);
        var servers = ServerBinaries.Locate(root);
        if (UpState.TryRead(statePath) is { } running && running.UpRuns())
        {
            throw new CliException($"another `imcells up` (pid {running.UpPid}) runs with the state file {statePath}: stop it first, or give {StateOption} FILE");
        }

        Console.Out.WriteLine($"topology {topologyPath} (version {topology.Version}, {topology.Cells.Count} cells); state {statePath}");
        if (profile.Notice is { } notice)
        {
            Console.Out.WriteLine($"[up] {notice}");
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
            var code = await new ClusterSupervisor(topology, topologyPath, root, servers, profile, statePath).RunAsync(stop.Token);
            Console.Out.WriteLine(stop.IsCancellationRequested ? "[up] stopped" : "[up] giving up");
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
