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
/// A whole cluster in real processes: one master, one login server and cells "a" (eu,
/// 10 000 000-10 999 999), "b" (us, 11 000 000-11 999 999) and "c" (ap, 12 000 000-12 999 999)
/// on free loopback ports, with a topology.json and SQLite databases in a temp folder. Every
/// process's output (the CLI processes a test starts too) is kept so a failing test can print it.
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

    public string TempDir { get; private set; } = "";

    public string TopologyPath => Path.Combine(TempDir, "topology.json");

    public string MasterUrl => $"http://127.0.0.1:{_masterPort}";

    public string LoginUrl => $"http://127.0.0.1:{_loginPort}";

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
        var client = new CellProto.Cell.CellClient(channel);
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

        var ports = FreePorts(2 + 2 * CellIds.Length);
        _masterPort = ports[0];
        _loginPort = ports[1];
        for (var i = 0; i < CellIds.Length; i++)
        {
            _cellPorts[CellIds[i]] = (ports[2 + 2 * i], ports[3 + 2 * i]);
        }

        WriteTopology(InitialTopology());
        try
        {
            Start("master", Binary("master/ImCells.Master", "ImCells.Master"),
                "--topology", TopologyPath, "--parent-pid", ParentPid);
            Start("login", Binary("login/ImCells.Login", "ImCells.Login"),
                "--master", MasterUrl, "--listen", LoginUrl, "--token-key", TokenKeyPath, "--parent-pid", ParentPid);
            foreach (var id in CellIds)
            {
                StartCellProcess(id);
            }

            using var cts = new CancellationTokenSource(ReadyTimeout);
            await WaitUntilAsync(s => CellIds.All(id => s.Cells.Any(c => c.Id == id && c.Up)),
                "every cell up", cts.Token);
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
            dead = CellIds.Where(id => !_processes.TryGetValue("cell " + id, out var p) || p.HasExited).ToList();
            if (_processes.TryGetValue("master", out var master) && master.HasExited
                || _processes.TryGetValue("login", out var login) && login.HasExited)
            {
                throw new InvalidOperationException("master or login process exited:\n" + Logs());
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
            ["login"] = new JsonArray(new JsonObject { ["http"] = LoginUrl }),
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
    public async Task<StatusReply> WaitUntilAsync(Func<StatusReply, bool> done, string what, CancellationToken ct)
    {
        using var api = new LoginApi(LoginUrl);
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

    private static string FindRepositoryRoot()
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
    private static string TestConfiguration()
    {
        var parts = Path.GetDirectoryName(typeof(ClusterFixture).Assembly.Location)!
            .Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length
            ? parts[bin + 1]
            : throw new InvalidOperationException($"cannot tell the build configuration from {typeof(ClusterFixture).Assembly.Location}");
    }

    private static int[] FreePorts(int count)
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
