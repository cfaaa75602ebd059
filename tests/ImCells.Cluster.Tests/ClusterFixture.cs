using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using ImCells.Client;
using ImCells.Protos.Login;
using CellProto = ImCells.Protos.Cell;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

[CollectionDefinition("cluster")]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>;

/// <summary>
/// A whole cluster in real processes: one master, two login servers (<see cref="LoginUrl"/> is the
/// first, the one every helper uses; <see cref="Login2Url"/> the second) and cells "a" (eu,
/// 10 000 000-10 999 999), "b" (us, 11 000 000-11 999 999) and "c" (ap, 12 000 000-12 999 999)
/// on free loopback ports, with a topology.json and SQLite databases in a temp folder. Cells a test
/// adds with <see cref="AddCellAsync"/> stay for the rest of the run. Every process's output (the
/// CLI processes a test starts too) is kept so a failing test can print it.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly string[] CellIds = ["a", "b", "c"];

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly Lock _logLock = new();
    private readonly StringBuilder _logs = new();
    private readonly Lock _processLock = new();
    private readonly Dictionary<string, Process> _processes = new();
    private readonly List<Process> _started = new();
    private readonly Dictionary<string, (int Grpc, int Chat)> _cellPorts = new();
    private string _configuration = "";
    private string _root = "";
    private int _masterPort;
    private int _loginPort;
    private int _login2Port;

    public string TempDir { get; private set; } = "";

    public string TopologyPath => Path.Combine(TempDir, "topology.json");

    public string MasterUrl => $"http://127.0.0.1:{_masterPort}";

    public string LoginUrl => $"http://127.0.0.1:{_loginPort}";

    /// <summary>The second login server (listed second in topology.json).</summary>
    public string Login2Url => $"http://127.0.0.1:{_login2Port}";

    /// <summary>Both login servers, comma-separated, as a client gives them.</summary>
    public string LoginUrls => $"{LoginUrl},{Login2Url}";

    /// <summary>Every cell the fixture runs: a, b, c and those added with <see cref="AddCellAsync"/>.</summary>
    public IReadOnlyList<string> AllCellIds
    {
        get
        {
            lock (_processLock)
            {
                return [.. _cellPorts.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The pid of each running server process, by name ("master", "login", "login 2", "cell a", ...).</summary>
    public IReadOnlyDictionary<string, int> ServerPids()
    {
        lock (_processLock)
        {
            return _processes
                .Where(p => !p.Key.StartsWith("cli", StringComparison.Ordinal) && !p.Value.HasExited)
                .ToDictionary(p => p.Key, p => p.Value.Id);
        }
    }

    private string TokenKeyPath => Path.Combine(TempDir, "token.key");

    /// <summary>host:port of the cell's (only) chat server.</summary>
    public string ChatEndpoint(string cellId) => $"127.0.0.1:{_cellPorts[cellId].Chat}";

    public IPEndPoint ChatIPEndPoint(string cellId) => new(IPAddress.Loopback, _cellPorts[cellId].Chat);

    /// <summary>The cell's gRPC address (the one other cells and the login server call).</summary>
    public string CellGrpcUrl(string cellId) => $"http://127.0.0.1:{_cellPorts[cellId].Grpc}";

    /// <summary>The cell's own Status over its gRPC service (presence_change_calls, vlr_entries, ...).</summary>
    public async Task<CellProto.StatusReply> CellStatusAsync(string cellId, CancellationToken ct = default)
    {
        using var channel = GrpcChannel.ForAddress(CellGrpcUrl(cellId));
        var client = new CellProto.CellAdmin.CellAdminClient(channel);
        return await client.StatusAsync(new CellProto.StatusRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: ct);
    }

    /// <summary>
    /// Starts <c>imcells &lt;args&gt;</c> (the built CLI) as a child process whose stdin stays open
    /// until it is killed or closed; its output goes to <see cref="Logs"/> prefixed with
    /// <paramref name="name"/>. The fixture kills it at the latest when the cluster goes down.
    /// </summary>
    public Process StartCli(string name, params string[] args) =>
        Start(name, Binary("cli/ImCells.Cli", "ImCells.Cli"), null, redirectInput: true, args);

    /// <summary>SIGKILL for a process of <see cref="StartCli"/>, then a bounded wait for it to be gone.</summary>
    public async Task KillCliAsync(Process process)
    {
        await KillAsync(process);
        Log($"[fixture] process {SafeId(process)} killed (exited: {process.HasExited})");
    }

    public async Task InitializeAsync()
    {
        _root = FindRepositoryRoot();
        _configuration = TestConfiguration();
        TempDir = Path.Combine(Path.GetTempPath(), "imcells-cluster-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(TempDir);

        var ports = FreePorts(3 + 2 * CellIds.Length);
        _masterPort = ports[0];
        _loginPort = ports[1];
        _login2Port = ports[2];
        for (var i = 0; i < CellIds.Length; i++)
        {
            _cellPorts[CellIds[i]] = (ports[3 + 2 * i], ports[4 + 2 * i]);
        }

        WriteTopology(InitialTopology());
        try
        {
            Start("master", Binary("master/ImCells.Master", "ImCells.Master"),
                "--topology", TopologyPath, "--parent-pid", ParentPid);
            StartLoginProcess(1);
            StartLoginProcess(2);
            foreach (var id in CellIds)
            {
                StartCellProcess(id);
            }

            using var cts = new CancellationTokenSource(ReadyTimeout);
            await WaitUntilAsync(s => CellIds.All(id => s.Cells.Any(c => c.Id == id && c.Up)),
                "every cell up", cts.Token);
            await WaitUntilAsync(s => CellIds.All(id => s.Cells.Any(c => c.Id == id && c.Up)),
                "every cell up (login 2)", cts.Token, Login2Url);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        List<Process> started;
        lock (_processLock)
        {
            started = [.. _started];
            _started.Clear();
            _processes.Clear();
        }

        foreach (var process in started)
        {
            await KillAsync(process);
            process.Dispose();
        }

        try
        {
            if (TempDir.Length > 0 && Directory.Exists(TempDir))
            {
                Directory.Delete(TempDir, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is only litter.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Everything the cluster's processes printed so far, each line prefixed with its process.</summary>
    public string Logs()
    {
        lock (_logLock)
        {
            return _logs.ToString();
        }
    }

    /// <summary>SIGKILL, no goodbye: whatever the cell had not committed is lost.</summary>
    public async Task KillCellAsync(string id)
    {
        Process? process;
        lock (_processLock)
        {
            _processes.Remove("cell " + id, out process);
        }

        if (process is null)
        {
            throw new InvalidOperationException($"cell {id} is not running");
        }

        await KillAsync(process);
        Log($"[fixture] cell {id} killed (exit code {(process.HasExited ? process.ExitCode : -1)})");
    }

    /// <summary>Starts the cell again and waits until the login server reports it up.</summary>
    public async Task StartCellAsync(string id, CancellationToken ct = default)
    {
        StartCellProcess(id);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(ReadyTimeout);
        await WaitUntilAsync(s => s.Cells.Any(c => c.Id == id && c.Up), $"cell {id} up again", cts.Token);
    }

    /// <summary>Restarts anything a previous test left dead, so one failure does not cascade.</summary>
    public async Task EnsureRunningAsync(CancellationToken ct = default)
    {
        List<string> dead;
        lock (_processLock)
        {
            dead = _cellPorts.Keys.Where(id => !_processes.TryGetValue("cell " + id, out var p) || p.HasExited).ToList();
            if (_processes.TryGetValue("master", out var master) && master.HasExited)
            {
                throw new InvalidOperationException("the master process exited:\n" + Logs());
            }
        }

        foreach (var n in new[] { 1, 2 })
        {
            if (!IsRunning(LoginProcessName(n)))
            {
                Log($"[fixture] login {n} was not running; starting it");
                lock (_processLock)
                {
                    _processes.Remove(LoginProcessName(n));
                }

                await StartLoginAsync(n, ct);
            }
        }

        foreach (var id in dead)
        {
            Log($"[fixture] cell {id} was not running; starting it");
            lock (_processLock)
            {
                _processes.Remove("cell " + id);
            }

            await StartCellAsync(id, ct);
        }
    }

    /// <summary>
    /// Runs <c>imcells &lt;args&gt;</c> to its end (stdin closed at once); returns its exit code and
    /// the lines it printed. Throws when it has not exited within <paramref name="timeout"/>.
    /// </summary>
    public async Task<(int ExitCode, string Output)> RunCliAsync(string name, TimeSpan timeout, CancellationToken ct, params string[] args)
    {
        var process = StartCli(name, args);
        try
        {
            process.StandardInput.Close();
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(timeout);
            try
            {
                // Waits for the output streams' end too, so every line is in the log.
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"imcells {string.Join(' ', args)} did not exit within {timeout.TotalSeconds:0} s");
            }

            var prefix = $"[{name}] ";
            var output = string.Join('\n', Logs().Split('\n')
                .Where(l => l.StartsWith(prefix, StringComparison.Ordinal))
                .Select(l => l[prefix.Length..].TrimEnd('\r')));
            return (process.ExitCode, output);
        }
        finally
        {
            if (!process.HasExited)
            {
                await KillCliAsync(process);
            }

            lock (_processLock)
            {
                if (_processes.TryGetValue(name, out var p) && p == process)
                {
                    _processes.Remove(name);
                }
            }
        }
    }

    /// <summary>
    /// Grows the running cluster: <c>imcells topology add-cell --id ... --range ... --topology</c> (the
    /// real CLI, which picks the ports and writes the database path), then starts the new cell's
    /// process on the ports the CLI wrote and waits until the login server reports it up (unless
    /// <paramref name="start"/> is false: then the test starts it with <see cref="StartCellAsync"/>).
    /// Throws, with the CLI's output, when add-cell fails.
    /// </summary>
    public async Task AddCellAsync(string id, string range, string? region, CancellationToken ct, bool start = true)
    {
        List<string> args = ["topology", "add-cell", "--id", id, "--range", range, "--topology", TopologyPath];
        if (region is not null)
        {
            args.AddRange(["--region", region]);
        }

        var (exit, output) = await RunCliAsync($"cli add-cell {id}", TimeSpan.FromSeconds(30), ct, [.. args]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"imcells topology add-cell {id} exited {exit}:\n{output}");
        }

        var cell = ReadTopology()["cells"]!.AsArray().Single(c => (string?)c!["id"] == id)!;
        var grpc = new Uri((string)cell["grpc"]!).Port;
        var chat = (string)cell["chat"]![0]!;
        lock (_processLock)
        {
            _cellPorts[id] = (grpc, int.Parse(chat[(chat.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }

        Log($"[fixture] cell {id} added to topology.json: {output}");
        if (start)
        {
            await StartCellAsync(id, ct);
        }
    }

    /// <summary>SIGKILL for login server 1 or 2.</summary>
    public async Task KillLoginAsync(int n)
    {
        Process? process;
        lock (_processLock)
        {
            _processes.Remove(LoginProcessName(n), out process);
        }

        if (process is null)
        {
            throw new InvalidOperationException($"login {n} is not running");
        }

        await KillAsync(process);
        Log($"[fixture] login {n} killed (exit code {(process.HasExited ? process.ExitCode : -1)})");
    }

    /// <summary>Starts login server 1 or 2 (on its old port) and waits until it reports every cell up.</summary>
    public async Task StartLoginAsync(int n, CancellationToken ct = default)
    {
        StartLoginProcess(n);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(ReadyTimeout);
        var cells = AllCellIds;
        await WaitUntilAsync(s => cells.All(id => s.Cells.Any(c => c.Id == id && c.Up)),
            $"login {n} up again with every cell up", cts.Token, n == 1 ? LoginUrl : Login2Url);
    }

    public bool IsRunning(string processName)
    {
        lock (_processLock)
        {
            return _processes.TryGetValue(processName, out var p) && !p.HasExited;
        }
    }

    public static string LoginProcessName(int n) => n == 1 ? "login" : $"login {n}";

    public async Task<ulong> RegisterAsync(string name, string password, string cell, CancellationToken ct = default)
    {
        using var api = new LoginApi(LoginUrl);
        return await api.RegisterAsync(name, password, cell, ct);
    }

    public ImClientOptions Options(ulong user, string password, string device = "t") => new()
    {
        LoginUrl = LoginUrl,
        UserId = user,
        Password = password,
        DeviceId = device,
    };

    public async Task<StatusReply> StatusAsync(CancellationToken ct = default)
    {
        using var api = new LoginApi(LoginUrl);
        return await api.StatusAsync(ct);
    }

    /// <summary>Runs a test body; on any failure prints every process's log before rethrowing.</summary>
    public async Task RunAsync(ITestOutputHelper output, Func<Task> test, CancellationToken ct = default)
    {
        try
        {
            await EnsureRunningAsync(ct);
            await test();
        }
        catch
        {
            output.WriteLine("==== cluster logs ====");
            output.WriteLine(Logs());
            throw;
        }
    }

    /// <summary>The topology file as JSON, to edit and write back with <see cref="WriteTopology"/>.</summary>
    public JsonObject ReadTopology() => JsonNode.Parse(File.ReadAllText(TopologyPath))!.AsObject();

    /// <summary>Replaces topology.json in one rename, so the master never reads half a file.</summary>
    public void WriteTopology(JsonObject topology)
    {
        var temp = TopologyPath + ".tmp";
        File.WriteAllText(temp, topology.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, TopologyPath, overwrite: true);
    }

    private JsonObject InitialTopology()
    {
        var cells = new JsonArray();
        ulong first = 10_000_000;
        string[] regions = ["eu", "us", "ap"];
        for (var i = 0; i < CellIds.Length; i++, first += 1_000_000)
        {
            var id = CellIds[i];
            cells.Add(new JsonObject
            {
                ["id"] = id,
                ["region"] = regions[i % regions.Length],
                ["ranges"] = new JsonArray(new JsonObject { ["first"] = first, ["last"] = first + 999_999 }),
                ["grpc"] = $"http://127.0.0.1:{_cellPorts[id].Grpc}",
                ["chat"] = new JsonArray(ChatEndpoint(id)),
                ["database"] = new JsonObject
                {
                    ["provider"] = "sqlite",
                    ["connection"] = $"Data Source={Path.Combine(TempDir, $"cell-{id}.db")}",
                },
            });
        }

        return new JsonObject
        {
            ["version"] = 1,
            ["master"] = new JsonObject { ["grpc"] = MasterUrl },
            ["login"] = new JsonArray(new JsonObject { ["http"] = LoginUrl }, new JsonObject { ["http"] = Login2Url }),
            ["cells"] = cells,
        };
    }

    /// <summary>
    /// Test hooks of the cell (ChatOptions): a NewMessage whose text holds <see cref="DropNotifyMarker"/> is
    /// stored but never pushed; a new send whose text holds <see cref="DropAckMarker"/> is committed and then
    /// the sender's connection is closed instead of answering SendAck.
    /// </summary>
    public const string DropNotifyMarker = "#drop#";

    /// <inheritdoc cref="DropNotifyMarker"/>
    public const string DropAckMarker = "#noack#";

    private static readonly Dictionary<string, string> CellEnvironment = new()
    {
        ["IMCELLS_Chat__TestDropNotifyMarker"] = DropNotifyMarker,
        ["IMCELLS_Chat__TestDropAckMarker"] = DropAckMarker,
    };

    private void StartLoginProcess(int n) =>
        Start(LoginProcessName(n), Binary("login/ImCells.Login", "ImCells.Login"),
            "--master", MasterUrl, "--listen", n == 1 ? LoginUrl : Login2Url, "--token-key", TokenKeyPath, "--parent-pid", ParentPid);

    private void StartCellProcess(string id) =>
        Start("cell " + id, Binary("cell/ImCells.Cell", "ImCells.Cell"), CellEnvironment,
            "--master", MasterUrl, "--cell", id, "--token-key", TokenKeyPath, "--parent-pid", ParentPid);

    private static string ParentPid => Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Start(string name, string dll, params string[] args) => Start(name, dll, null, args);

    private void Start(string name, string dll, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        Start(name, dll, environment, redirectInput: false, args);

    private Process Start(string name, string dll, IReadOnlyDictionary<string, string>? environment, bool redirectInput, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = TempDir,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Cheap password hashing and quick heartbeats: tests are about behaviour, not cost.
        info.Environment["IMCELLS_Hlr__PasswordIterations"] = "1000";
        info.Environment["IMCELLS_Chat__HeartbeatSeconds"] = "2";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var prefix = $"[{name}] ";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log(prefix + e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Log(prefix + e.Data);
            }
        };
        process.Exited += (_, _) => Log($"[fixture] {name} exited");

        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {name}: dotnet {string.Join(' ', info.ArgumentList)}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (_processLock)
        {
            _processes[name] = process;
            _started.Add(process);
        }

        Log($"[fixture] started {name} (pid {process.Id}): dotnet {string.Join(' ', info.ArgumentList)}");
        return process;
    }

    private async Task KillAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: false);
            }

            using var cts = new CancellationTokenSource(ExitTimeout);
            await process.WaitForExitAsync(cts.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }
        catch (OperationCanceledException)
        {
            Log($"[fixture] process {SafeId(process)} did not exit within {ExitTimeout.TotalSeconds:0} s of SIGKILL");
        }
    }

    private static string SafeId(Process process)
    {
        try
        {
            return process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }

    /// <summary>Polls the login server's status until <paramref name="done"/> holds; throws with the logs on timeout.</summary>
    public async Task<StatusReply> WaitUntilAsync(Func<StatusReply, bool> done, string what, CancellationToken ct, string? loginUrl = null)
    {
        using var api = new LoginApi(loginUrl ?? LoginUrl);
        string last = "no answer yet";
        while (true)
        {
            try
            {
                var status = await api.StatusAsync(ct);
                if (done(status))
                {
                    return status;
                }

                last = status.ToString();
            }
            catch (ImClientException e)
            {
                last = e.Message;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(PollInterval, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        throw new TimeoutException($"cluster did not reach '{what}'; last status: {last}\n==== cluster logs ====\n{Logs()}");
    }

    private void Log(string line)
    {
        lock (_logLock)
        {
            _logs.AppendLine(line);
        }
    }

    private string Binary(string projectDir, string assembly)
    {
        var path = Path.Combine(_root, projectDir, "bin", _configuration, "net10.0", assembly + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{path} is missing; build the test project (it builds the servers) in configuration {_configuration}", path);
    }

    internal static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImCells.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ImCells.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The "Debug" or "Release" in .../bin/&lt;Configuration&gt;/net10.0/ of this assembly.</summary>
    internal static string TestConfiguration()
    {
        var parts = Path.GetDirectoryName(typeof(ClusterFixture).Assembly.Location)!
            .Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length
            ? parts[bin + 1]
            : throw new InvalidOperationException($"cannot tell the build configuration from {typeof(ClusterFixture).Assembly.Location}");
    }

    internal static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
