using System.Diagnostics;
using ImCells.Cli.Admin;
using ImCells.ClusterHost;
using ImCells.Protos.Topology;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cli.Up;

/// <summary>
/// Starts master, then login servers and cells, and keeps them running until told to stop. Their
/// output is copied to ours behind "[name] ". Each start prints the pid and endpoints; one line says
/// when every process answers. A child that dies unexpectedly is started again, same arguments and
/// ports, after a growing pause (<see cref="RestartBackoff"/>). The state file lists every process
/// for `imcells status`. Stopping sends every child SIGTERM (SIGKILL after a grace period), restarts
/// nothing, waits, and deletes the state file. Children also get --parent-pid, so they stop if we
/// are killed hard.
/// </summary>
internal sealed class ClusterSupervisor(TopologyMap topology, string topologyPath, string root, ServerCommands servers, UpProfile profile, string statePath)
{
    private static readonly TimeSpan MasterStartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AnswerPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SlowStart = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private readonly RestartBackoff _backoff = new();
    private readonly UpRoster _roster = new(statePath, topologyPath, profile);
    private readonly AdminClient _admin = new();
    private ProcessHost? _host;
    private bool _stopping;

    /// <summary>Runs until <paramref name="stop"/> fires; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var dataDirectory = Path.Combine(root, RepoRoot.DataFolder);
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
        using var adminPorts = new AdminPorts();
        await using var host = new ProcessHost(log, StopGrace);
        _host = host;
        host.ExitedUnexpectedly += (child, code) => _ = HealAsync(child, code, stop);
        var processes = new ClusterProcesses(servers, topologyPath, topology.MasterGrpc, tokenKey, root, adminPorts, profile);
        var began = Stopwatch.StartNew();
        try
        {
            var master = Start(processes.Master());
            if (master is null || !await WaitForMasterAsync(master, stop))
            {
                return stop.IsCancellationRequested ? 0 : 1;
            }

            for (var i = 0; i < topology.Login.Count; i++)
            {
                Start(processes.Login(i, topology.Login.Count, topology.Login[i].Http));
            }

            var cells = new CellLauncher(processes, p => Start(p), StopForGoodAsync);
            cells.StartNew(topology);
            _ = ReportReadyAsync(began, stop);

            // A cell added to topology.json while we run (imcells topology add-cell) is started, a removed one stopped.
            using var watch = new TopologyWatch(topologyPath, topology, map => OnTopologyChange(map, cells, dataDirectory),
                problem => Console.Out.WriteLine($"[up] {topologyPath} not applied (the master refuses it too): {problem}"));
            await ((Task)Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return 0;
        }
        finally
        {
            lock (_lock)
            {
                _stopping = true;
            }

            foreach (var stuck in await host.StopAllAsync())
            {
                Console.Out.WriteLine($"[up] {stuck.Name} (pid {stuck.Pid}) did not exit, not even after SIGKILL");
            }

            _roster.DeleteState();
            _admin.Dispose();
        }
    }

    /// <summary>Starts <paramref name="process"/> (again) and says so; null once stopping has begun or when it cannot start.</summary>
    private HostedProcess? Start(ClusterProcess process, int attempt = 0)
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return null;
            }

            HostedProcess running;
            try
            {
                running = _host!.Start(process.Spec);
            }
            catch (InvalidOperationException e)
            {
                // The program itself cannot be started (gone from the build folder?): say so, keep the rest.
                Console.Out.WriteLine($"[up] {process.Name}: {e.Message}");
                return null;
            }

            _roster.Started(process, running);
            var what = attempt == 0 ? "started" : $"restarted (attempt {attempt})";
            Console.Out.WriteLine($"[up] {process.Name} {what}: pid {running.Pid}  {process.Describe()}");
            return running;
        }
    }

    /// <summary>Stops a process that is no longer wanted; it is not restarted.</summary>
    private async Task StopForGoodAsync(string name)
    {
        _roster.Remove(name);
        if (_host!.IsRunning(name))
        {
            await _host.StopAsync(name);
        }
    }

    /// <summary>A child died on its own: wait (longer after each crash in a row), start it again, and say when it answers.</summary>
    private async Task HealAsync(HostedProcess child, int code, CancellationToken stop)
    {
        if (stop.IsCancellationRequested || _roster.Find(child.Name) is not { } wanted)
        {
            return;
        }

        var exitedAt = Stopwatch.StartNew();
        var ranFor = DateTimeOffset.UtcNow - wanted.StartedAt;
        var (attempt, delay) = _backoff.Next(child.Name, ranFor);
        Console.Out.WriteLine($"[up] {child.Name} (pid {child.Pid}) exited unexpectedly with code {code} after {Seconds(ranFor)}; restart {attempt} in {Seconds(delay)}");
        try
        {
            await Task.Delay(delay, stop);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // Removed from the topology meanwhile, or already started again: nothing to do.
        if (_roster.Find(child.Name) is not { } current || _host!.IsRunning(child.Name) || Start(current.Process, attempt) is not { } restarted)
        {
            return;
        }

        if (await WaitForAnswerAsync(current.Process, restarted, SlowStart, stop))
        {
            Console.Out.WriteLine($"[up] {child.Name} answers again (pid {restarted.Pid}), {Seconds(exitedAt.Elapsed)} after it exited");
        }
    }

    /// <summary>Prints one line once every process answers (or, after a minute, which do not yet).</summary>
    private async Task ReportReadyAsync(Stopwatch began, CancellationToken stop)
    {
        var warned = false;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var all = _roster.All();
                var silent = new List<string>();
                foreach (var process in all)
                {
                    if (!Answering.Healthy((await Answering.AskAsync(_admin, process.Admin, process.Endpoints.Select(e => e.Value), stop)).Answer))
                    {
                        silent.Add(process.Name);
                    }
                }

                if (silent.Count == 0)
                {
                    Console.Out.WriteLine($"[up] ready: {all.Count} processes answer ({string.Join(", ", all.Select(p => p.Name))}) {Seconds(began.Elapsed)} after start");
                    return;
                }

                if (!warned && began.Elapsed > SlowStart)
                {
                    warned = true;
                    Console.Out.WriteLine($"[up] not ready after {Seconds(began.Elapsed)}: no answer yet from {string.Join(", ", silent)}");
                }

                await Task.Delay(AnswerPoll, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> WaitForAnswerAsync(ClusterProcess process, HostedProcess running, TimeSpan timeout, CancellationToken stop)
    {
        try
        {
            var outcome = await Readiness.WaitAsync(
                async ct => Answering.Healthy((await Answering.AskAsync(_admin, process.Admin, process.Endpoints.Select(e => e.Value), ct)).Answer),
                running, timeout, stop, AnswerPoll);
            return outcome == ReadyOutcome.Ready;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void OnTopologyChange(TopologyMap map, CellLauncher cells, string dataDirectory)
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

        foreach (var removed in cells.StopRemovedAsync(map).GetAwaiter().GetResult())
        {
            Console.Out.WriteLine($"[up] topology version {map.Version} removes cell {removed}: stopped");
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

    private static string Seconds(TimeSpan t) => t.TotalSeconds < 10 ? $"{t.TotalSeconds:0.0} s" : $"{t.TotalSeconds:0} s";

    /// <summary>Login and cells register with the master at start, so wait until it accepts connections.</summary>
    private async Task<bool> WaitForMasterAsync(HostedProcess master, CancellationToken stop)
    {
        var uri = new Uri(topology.MasterGrpc);
        ReadyOutcome outcome;
        try
        {
            outcome = await Readiness.WaitAsync(ct => ListeningPorts.IsListeningAsync(uri.Host, uri.Port, ct), master, MasterStartTimeout, stop);
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
