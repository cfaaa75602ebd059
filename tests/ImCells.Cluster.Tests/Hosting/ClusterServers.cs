using ImCells.ClusterHost;

namespace ImCells.Cluster.Tests.Hosting;

/// <summary>
/// The server processes of the test cluster (master, login 1 and 2, a cell per id) on the
/// process-hosting library: start, kill and start again, each start waiting until the login
/// servers report the process's part of the cluster up.
/// </summary>
internal sealed class ClusterServers(ClusterLayout layout, ClusterApi api, ProcessLog log) : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    // Cheap password hashing and quick heartbeats: tests are about behaviour, not cost.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["IMCELLS_Hlr__PasswordIterations"] = "1000",
        ["IMCELLS_Chat__HeartbeatSeconds"] = "2",
        // Every test client is 127.0.0.1: the per-source limits stay off here (GuessingTests starts a
        // login server of its own with them on), and a number's first lock is short enough to wait out.
        ["IMCELLS_Login__SourceLoginsPerMinute"] = "0",
        ["IMCELLS_Login__SourceRegistrationsPerHour"] = "0",
        ["IMCELLS_Login__SourceLookupsPerMinute"] = "0",
        ["IMCELLS_Accounts__LockSeconds"] = "15",
        ["DOTNET_NOLOGO"] = "1",
    };

    private readonly ServerCommands _commands = TestBuild.Servers();
    private readonly ProcessHost _host = new(log);

    public static string LoginName(int n) => ServerCommands.LoginName(n, 2);

    /// <summary>Starts master, both login servers and the initial cells; returns once both login servers report every cell up.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        Start(_commands.Master(layout.TopologyPath, layout.AdminUrl("master")));
        StartLogin(1);
        StartLogin(2);
        foreach (var id in layout.CellIds)
        {
            StartCell(id);
        }

        await WaitForCellsAsync(1, layout.CellIds, ct);
        await WaitForCellsAsync(2, layout.CellIds, ct);
    }

    public bool IsRunning(string name) => _host.IsRunning(name);

    /// <summary>The pid of each running server by name ("master", "login 1", "cell a", ...).</summary>
    public IReadOnlyDictionary<string, int> Pids() => _host.Running().ToDictionary(p => p.Name, p => p.Pid);

    /// <summary>SIGKILL, no goodbye: whatever the cell had not committed is lost.</summary>
    public Task KillCellAsync(string id) => KillAsync(ServerCommands.CellName(id));

    /// <summary>Starts the cell (again) and waits until login 1 reports it up.</summary>
    public async Task StartCellAsync(string id, CancellationToken ct)
    {
        var process = StartCell(id);
        await Readiness.EnsureAsync($"cell {id} up at login 1", async c => (await api.StatusAsync(c)).Cells.Any(s => s.Id == id && s.Up),
            process, ReadyTimeout, ct);
    }

    /// <summary>SIGKILL for login server 1 or 2.</summary>
    public Task KillLoginAsync(int n) => KillAsync(LoginName(n));

    /// <summary>Starts login server 1 or 2 (on its old port) and waits until it reports every cell up.</summary>
    public async Task StartLoginAsync(int n, CancellationToken ct)
    {
        StartLogin(n);
        await WaitForCellsAsync(n, layout.CellIds, ct);
    }

    /// <summary>
    /// Starts one more login server, <paramref name="name"/>, at <paramref name="url"/> (with login 1's
    /// certificate) and <paramref name="settings"/> on top of the cluster's; returns once it reports
    /// every cell up. Stop it with <see cref="StopAsync"/>.
    /// </summary>
    public async Task StartExtraLoginAsync(string name, string url, IReadOnlyDictionary<string, string> settings, CancellationToken ct)
    {
        var process = _host.Start(_commands.Login(name, 0, layout.MasterUrl, url, layout.TokenKeyPath)
            .WithEnvironment(Environment).WithEnvironment(settings) with { WorkingDirectory = layout.TempDir });
        await Readiness.EnsureAsync($"every cell up at {name}",
            async c => (await api.StatusAsync(c, url)).Cells is var status && layout.CellIds.All(id => status.Any(s => s.Id == id && s.Up)),
            process, ReadyTimeout, ct);
    }

    /// <summary>Stops a server this fixture started (SIGTERM, then SIGKILL after the grace period).</summary>
    public Task StopAsync(string name) => _host.StopAsync(name);

    /// <summary>Starts again whatever a previous test left dead, so one failure does not cascade.</summary>
    public async Task EnsureRunningAsync(CancellationToken ct)
    {
        if (!_host.IsRunning("master"))
        {
            throw new InvalidOperationException("the master process is gone");
        }

        foreach (var n in new[] { 1, 2 }.Where(n => !_host.IsRunning(LoginName(n))))
        {
            log.Note($"{LoginName(n)} was not running; starting it", "fixture");
            await StartLoginAsync(n, ct);
        }

        foreach (var id in layout.CellIds.Where(id => !_host.IsRunning(ServerCommands.CellName(id))))
        {
            log.Note($"cell {id} was not running; starting it", "fixture");
            await StartCellAsync(id, ct);
        }
    }

    /// <summary>The last lines a server printed (at most <see cref="HostedProcess.OutputTail"/>), e.g. of "cell a".</summary>
    public IReadOnlyList<string> OutputOf(string name) => _host.Find(name)?.Output() ?? [];

    /// <summary>
    /// Starts a process of cell <paramref name="id"/> under <paramref name="name"/> (another name than
    /// the running cell's, or the cell's own when it is down) with extra environment variables, and
    /// waits until it exits; returns its exit code and what it printed. One that still runs after
    /// <paramref name="timeout"/> is killed and the wait throws.
    /// </summary>
    public async Task<(int ExitCode, IReadOnlyList<string> Output)> RunCellToExitAsync(
        string name, string id, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, CancellationToken ct)
    {
        var process = Start((_commands.Cell(id, layout.MasterUrl, layout.TokenKeyPath) with { Name = name }).WithEnvironment(environment));
        try
        {
            var code = await process.Exited.WaitAsync(timeout, ct);
            return (code, process.Output());
        }
        catch (TimeoutException)
        {
            await process.KillAsync();
            throw new TimeoutException($"{name} still ran after {timeout.TotalSeconds:0} s:\n{string.Join('\n', process.Output())}");
        }
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private HostedProcess StartLogin(int n) =>
        Start(_commands.Login(LoginName(n), n - 1, layout.MasterUrl, layout.LoginUrlOf(n), layout.TokenKeyPath, layout.AdminUrl(LoginName(n))));

    /// <summary>A cell added to topology.json since the start gets its certificate first, as under `imcells up`.</summary>
    private HostedProcess StartCell(string id)
    {
        layout.PreparePki();
        return Start(_commands.Cell(id, layout.MasterUrl, layout.TokenKeyPath, layout.AdminUrl(ServerCommands.CellName(id))));
    }

    private HostedProcess Start(ProcessSpec spec) =>
        _host.Start(spec.WithEnvironment(Environment) with { WorkingDirectory = layout.TempDir });

    private async Task KillAsync(string name)
    {
        if (!_host.IsRunning(name))
        {
            throw new InvalidOperationException($"{name} is not running");
        }

        await _host.KillAsync(name);
    }

    private Task WaitForCellsAsync(int login, IReadOnlyList<string> cells, CancellationToken ct) =>
        Readiness.EnsureAsync($"every cell ({string.Join(", ", cells)}) up at login {login}",
            async c => (await api.StatusAsync(c, layout.LoginUrlOf(login))).Cells is var status && cells.All(id => status.Any(s => s.Id == id && s.Up)),
            _host.Find(LoginName(login)), ReadyTimeout, ct);
}
