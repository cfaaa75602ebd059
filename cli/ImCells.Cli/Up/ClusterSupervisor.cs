using ImCells.ClusterHost;
using ImCells.Protos.Topology;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cli.Up;

/// <summary>
/// Starts master, then login servers and cells, and keeps them until told to stop. Their output is
/// copied to ours behind "[name] ". A child that dies is reported and the rest keep running;
/// stopping sends every child SIGTERM (SIGKILL after a grace period) and waits, so nothing is left
/// listening. Children also get --parent-pid, so they stop if we are killed hard.
/// </summary>
internal sealed class ClusterSupervisor(TopologyMap topology, string topologyPath, string root, ServerCommands servers)
{
    private static readonly TimeSpan MasterStartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    /// <summary>Runs until <paramref name="stop"/> fires or every child has exited; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var dataDirectory = Path.Combine(root, "data");
        var tokenKey = Path.Combine(dataDirectory, "token.key");
        // Keys and databases live here: only this user may look in (a folder made before this rule is tightened).
        PrivateFiles.CreateOwnerOnlyDirectory(dataDirectory);
        // Before any server starts: each loads its certificate at start, and each would refuse a shared token key.
        try
        {
            Report(ClusterPki.Prepare(dataDirectory, topology.Processes()));
            if (File.Exists(tokenKey))
            {
                PrivateFiles.EnsureOwnerOnly(tokenKey);
            }
        }
        catch (Exception e) when (e is ClusterPkiException or PrivateFileException)
        {
            throw new CliException(e.Message);
        }

        // Console.Out is synchronized and the log echoes under its lock: lines never interleave.
        using var log = new ProcessLog(capacity: 0, echo: Console.Out.WriteLine);
        await using var host = new ProcessHost(log, StopGrace);
        var allExited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.ExitedUnexpectedly += (child, code) =>
        {
            if (stop.IsCancellationRequested)
            {
                return;
            }

            Console.Out.WriteLine($"[up] {child.Name} exited unexpectedly with code {code}; the others keep running");
            if (host.Running().Count == 0)
            {
                allExited.TrySetResult();
            }
        };

        try
        {
            var master = host.Start(servers.Master(topologyPath) with { WorkingDirectory = root });
            if (!await WaitForMasterAsync(master, stop))
            {
                return stop.IsCancellationRequested ? 0 : 1;
            }

            for (var i = 0; i < topology.Login.Count; i++)
            {
                var name = ServerCommands.LoginName(i + 1, topology.Login.Count);
                host.Start(servers.Login(name, i, topology.MasterGrpc, topology.Login[i].Http, tokenKey) with { WorkingDirectory = root });
            }

            var cells = new CellLauncher(host, servers, topology.MasterGrpc, tokenKey, root);
            cells.StartNew(topology);

            // A cell added to topology.json while we run (imcells topology add-cell) is started too.
            using var watch = new TopologyWatch(topologyPath, map =>
            {
                try
                {
                    Report(ClusterPki.Prepare(dataDirectory, map.Processes()));
                }
                catch (ClusterPkiException e)
                {
                    Console.Out.WriteLine($"[up] topology version {map.Version}: {e.Message}; new cells not started");
                    return;
                }

                foreach (var cell in cells.StartNew(map))
                {
                    Console.Out.WriteLine($"[up] topology version {map.Version} adds cell {cell.Id}: grpc {cell.Grpc}  chat {string.Join(",", cell.Chat)}");
                }
            });

            await ((Task)Task.WhenAny(allExited.Task, Task.Delay(Timeout.Infinite, stop))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stop.IsCancellationRequested)
            {
                Console.Out.WriteLine("[up] every server has exited");
                return 1;
            }

            return 0;
        }
        finally
        {
            foreach (var stuck in await host.StopAllAsync())
            {
                Console.Out.WriteLine($"[up] {stuck.Name} (pid {stuck.Pid}) did not exit, not even after SIGKILL");
            }
        }
    }

    /// <summary>Says where the certificates are when this run created any, or that they are the operator's.</summary>
    private static void Report(PkiPrepared pki)
    {
        if (pki.OperatorCa)
        {
            Console.Out.WriteLine($"[up] certificates: {pki.Layout.Directory} holds the operator's CA (no ca.key): using the files there as they are");
        }
        else if (pki.Issued.Count > 0)
        {
            Console.Out.WriteLine($"[up] certificates: issued {string.Join(", ", pki.Issued.Select(i => i.FileStem))} in {pki.Layout.Directory}");
        }
    }

    /// <summary>Login and cells register with the master at start, so wait until it accepts connections.</summary>
    private async Task<bool> WaitForMasterAsync(HostedProcess master, CancellationToken stop)
    {
        var uri = new Uri(topology.MasterGrpc);
        ReadyOutcome outcome;
        try
        {
            outcome = await Readiness.WaitAsync(ct => Readiness.AcceptsTcpAsync(uri.Host, uri.Port, ct), master, MasterStartTimeout, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }

        switch (outcome)
        {
            case ReadyOutcome.Exited:
                Console.Out.WriteLine($"[up] master exited with code {master.Exited.Result} before listening on {topology.MasterGrpc}");
                return false;
            case ReadyOutcome.TimedOut:
                Console.Out.WriteLine($"[up] master is not listening on {topology.MasterGrpc} after {MasterStartTimeout.TotalSeconds:0} s");
                return false;
            default:
                return true;
        }
    }
}
