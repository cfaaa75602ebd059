using System.Net.Sockets;
using ImCells.Protos.Topology;

namespace ImCells.Cli.Up;

/// <summary>
/// Starts master, then login servers and cells, and keeps them until told to stop. A child that
/// dies is reported and the rest keep running; stopping kills every process tree and waits, so
/// nothing is left listening. Children also get --parent-pid, so they stop if we are killed hard.
/// </summary>
internal sealed class ClusterSupervisor(TopologyMap topology, string topologyPath, string root, ServerBinaries binaries)
{
    private static readonly TimeSpan MasterStartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly List<ChildProcess> _children = [];
    private volatile bool _stopping;

    /// <summary>Runs until <paramref name="stop"/> fires or every child has exited; returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var pid = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tokenKey = Path.Combine(root, "data", "token.key");
        Directory.CreateDirectory(Path.Combine(root, "data"));
        var allExited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var master = StartChild("master", binaries.Master, ["--topology", topologyPath, "--parent-pid", pid], allExited);
            if (!await WaitForMasterAsync(master, stop))
            {
                return stop.IsCancellationRequested ? 0 : 1;
            }

            for (var i = 0; i < topology.Login.Count; i++)
            {
                var name = topology.Login.Count == 1 ? "login" : $"login {i + 1}";
                StartChild(name, binaries.Login,
                    ["--master", topology.MasterGrpc, "--listen", topology.Login[i].Http, "--token-key", tokenKey, "--parent-pid", pid],
                    allExited);
            }

            var started = new HashSet<string>();
            void StartCells(TopologyMap map)
            {
                foreach (var cell in map.Cells.Where(c => started.Add(c.Id)))
                {
                    StartChild($"cell {cell.Id}", binaries.Cell,
                        ["--master", topology.MasterGrpc, "--cell", cell.Id, "--token-key", tokenKey, "--parent-pid", pid],
                        allExited);
                    for (var n = 1; n <= cell.ChatServers.Count; n++)
                    {
                        StartChild($"chat {cell.Id}#{n}", binaries.Cell,
                            ["--master", topology.MasterGrpc, "--cell", cell.Id, "--chat-server", n.ToString(System.Globalization.CultureInfo.InvariantCulture),
                                "--token-key", tokenKey, "--parent-pid", pid],
                            allExited);
                    }
                }
            }

            StartCells(topology);

            // A cell added to topology.json while we run (imcells topology add-cell) is started too.
            using var watch = new TopologyWatch(topologyPath, map =>
            {
                foreach (var cell in map.Cells.Where(c => !started.Contains(c.Id)))
                {
                    Console.Out.WriteLine($"[up] topology version {map.Version} adds cell {cell.Id}: grpc {cell.Grpc}  chat {string.Join(",", cell.Chat)}");
                }

                StartCells(map);
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
            await StopAllAsync();
        }
    }

    private ChildProcess StartChild(string name, string dll, string[] arguments, TaskCompletionSource allExited)
    {
        var child = ChildProcess.Start(name, dll, arguments, root);
        lock (_children)
        {
            _children.Add(child);
        }

        _ = ReportExitAsync(child, allExited);
        return child;
    }

    private async Task ReportExitAsync(ChildProcess child, TaskCompletionSource allExited)
    {
        var code = await child.Exited;
        if (_stopping)
        {
            return;
        }

        Console.Out.WriteLine($"[up] {child.Name} exited unexpectedly with code {code}; the others keep running");
        lock (_children)
        {
            if (_children.All(c => c.Exited.IsCompleted))
            {
                allExited.TrySetResult();
            }
        }
    }

    /// <summary>Login and cells register with the master at start, so wait until it accepts connections.</summary>
    private async Task<bool> WaitForMasterAsync(ChildProcess master, CancellationToken stop)
    {
        var uri = new Uri(topology.MasterGrpc);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(MasterStartTimeout);
        while (!deadline.IsCancellationRequested && !master.Exited.IsCompleted)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(uri.Host, uri.Port, deadline.Token);
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Task.Delay(200, CancellationToken.None);
            }
        }

        if (!stop.IsCancellationRequested)
        {
            Console.Out.WriteLine(master.Exited.IsCompleted
                ? $"[up] master exited with code {master.Exited.Result} before listening on {topology.MasterGrpc}"
                : $"[up] master is not listening on {topology.MasterGrpc} after {MasterStartTimeout.TotalSeconds:0} s");
        }

        return false;
    }

    private async Task StopAllAsync()
    {
        _stopping = true;
        List<ChildProcess> children;
        lock (_children)
        {
            children = [.. _children];
        }

        foreach (var child in children)
        {
            child.Kill();
        }

        Task exited = Task.WhenAll(children.Select(c => c.Exited));
        await exited.WaitAsync(StopTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var child in children.Where(c => !c.Exited.IsCompleted))
        {
            Console.Out.WriteLine($"[up] {child.Name} did not exit within {StopTimeout.TotalSeconds:0} s");
        }

        foreach (var child in children)
        {
            child.Dispose();
        }
    }
}
