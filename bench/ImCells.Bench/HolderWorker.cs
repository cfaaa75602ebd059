using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>One slice of held connections, in this process or in a worker process.</summary>
internal interface IHolder : IAsyncDisposable
{
    int LoggedIn { get; }

    int Connected { get; }

    Task<PhaseResult> LoginAsync(CancellationToken ct);

    Task<PhaseResult> ConnectAsync(CancellationToken ct);

    /// <summary>Closes every connection; returns how many were still open just before.</summary>
    Task<int> StopAsync(CancellationToken ct);

    /// <summary>Devices of the running reconnect storm that got AuthOk / whose Sync was answered.</summary>
    int Online { get; }

    int Synced { get; }

    /// <summary>Closes every connection but keeps the tokens; returns how many were open.</summary>
    Task<int> DropAsync(CancellationToken ct);

    /// <summary>Every device reconnects with its token and Syncs (see <see cref="ConnectionHolder.StormAsync"/>).</summary>
    Task<StormResult> StormAsync(CancellationToken ct);
}

internal sealed class LocalHolder(ConnectionHolder holder, StormOptions storm = default) : IHolder
{
    public int LoggedIn => holder.LoggedIn;

    public int Connected => holder.Connected;

    public int Online => holder.Online;

    public int Synced => holder.Synced;

    public Task<int> DropAsync(CancellationToken ct) => holder.DropAsync();

    public Task<StormResult> StormAsync(CancellationToken ct) => holder.StormAsync(storm, ct);

    public Task<PhaseResult> LoginAsync(CancellationToken ct) => holder.LoginAsync(ct);

    public Task<PhaseResult> ConnectAsync(CancellationToken ct) => holder.ConnectAsync(ct);

    public async Task<int> StopAsync(CancellationToken ct)
    {
        var open = holder.Open;
        await holder.DisposeAsync();
        return open;
    }

    public ValueTask DisposeAsync() => holder.DisposeAsync();
}

/// <summary>
/// A copy of the bench running "_worker ...": it takes LOGIN / CONNECT / DROP / STORM / STOP on stdin
/// and answers LOGGED / HELD / DROPPED / STORMED / STOPPED with a JSON body on stdout (PROGRESS lines
/// in between). Disposing kills it by its Process object, so no worker outlives the bench.
/// </summary>
internal sealed class RemoteHolder : IHolder
{
    private readonly Process _process;
    private readonly Dictionary<string, TaskCompletionSource<JsonNode>> _answers = new(StringComparer.Ordinal)
    {
        ["LOGGED"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        ["HELD"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        ["DROPPED"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        ["STORMED"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        ["STOPPED"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
    };

    private int _loggedIn;
    private int _connected;
    private int _online;
    private int _synced;

    private RemoteHolder(Process process, string name)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                Console.Error.WriteLine($"[{name}] {line}");
            }
        };
        process.Exited += (_, _) =>
        {
            foreach (var answer in _answers.Values)
            {
                answer.TrySetException(new BenchException($"{name} exited with code {SafeExitCode()}"));
            }
        };
    }

    public int LoggedIn => Volatile.Read(ref _loggedIn);

    public int Connected => Volatile.Read(ref _connected);

    public int Online => Volatile.Read(ref _online);

    public int Synced => Volatile.Read(ref _synced);

    public static RemoteHolder Start(string name, IEnumerable<string> workerArgs)
    {
        var (host, prefix) = SelfCommand();
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix.Concat(workerArgs))
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var holder = new RemoteHolder(process, name);
        if (!process.Start())
        {
            throw new BenchException($"cannot start {name}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return holder;
    }

    public async Task<PhaseResult> LoginAsync(CancellationToken ct) => PhaseResult.FromJson(await CommandAsync("LOGIN", "LOGGED", ct));

    public async Task<PhaseResult> ConnectAsync(CancellationToken ct) => PhaseResult.FromJson(await CommandAsync("CONNECT", "HELD", ct));

    public async Task<int> DropAsync(CancellationToken ct) => (int)(await CommandAsync("DROP", "DROPPED", ct))["open"]!;

    public async Task<StormResult> StormAsync(CancellationToken ct) => StormResult.FromJson(await CommandAsync("STORM", "STORMED", ct));

    public async Task<int> StopAsync(CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync("STOP");
        await _process.StandardInput.FlushAsync(ct);
        var answer = await _answers["STOPPED"].Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        return (int)answer["open"]!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    /// <summary>
    /// How to start a copy of ourselves: "dotnet &lt;entry dll&gt;" (adding "bench" when the entry is the
    /// imcells CLI, which passes what follows to <see cref="BenchCommand.RunAsync"/>), or the apphost.
    /// </summary>
    private static (string Host, string[] Prefix) SelfCommand()
    {
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location ?? typeof(BenchCommand).Assembly.Location;
        var viaCli = Path.GetFileNameWithoutExtension(entry) != "ImCells.Bench";
        string[] bench = viaCli ? ["bench"] : [];
        var processPath = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(processPath) == "dotnet"
            ? (processPath, [entry, .. bench])
            : (processPath, bench);
    }

    private async Task<JsonNode> CommandAsync(string command, string answer, CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync(ct);
        return await _answers[answer].Task.WaitAsync(ct);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        var space = line.IndexOf(' ');
        var word = space < 0 ? line : line[..space];
        var rest = space < 0 ? "" : line[(space + 1)..];
        if (word == "PROGRESS")
        {
            var parts = rest.Split(' ');
            Volatile.Write(ref _loggedIn, int.Parse(parts[0], CultureInfo.InvariantCulture));
            Volatile.Write(ref _connected, int.Parse(parts[1], CultureInfo.InvariantCulture));
            Volatile.Write(ref _online, int.Parse(parts[2], CultureInfo.InvariantCulture));
            Volatile.Write(ref _synced, int.Parse(parts[3], CultureInfo.InvariantCulture));
        }
        else if (_answers.TryGetValue(word, out var answer))
        {
            answer.TrySetResult(JsonNode.Parse(rest)!);
        }
    }

    private string SafeExitCode()
    {
        try
        {
            return _process.ExitCode.ToString(CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException)
        {
            return "?";
        }
    }
}

/// <summary>
/// The worker side: "_worker --users-file F --offset O --count C [--storm-concurrency K] [--tls-name N] ..."
/// driven by stdin.
/// </summary>
internal static class HolderWorkerMain
{
    public static async Task<int> RunAsync(BenchArgs args, CancellationToken ct)
    {
        var usersFile = args.String("users-file") ?? throw new BenchException("--users-file is required");
        var offset = args.Int("offset", 0);
        var count = args.Int("count", 0);
        var globalOffset = args.Int("global-offset", 0);
        var addresses = args.Int("addresses", 1, min: 1, max: 250);
        var concurrency = args.Int("concurrency", 64, min: 1);
        var deadline = TimeSpan.FromSeconds(args.Int("deadline-seconds", 600, min: 1));
        var storm = new StormOptions(args.Int("storm-concurrency", concurrency, min: 1), args.String("tls-name"));
        var cluster = BenchCluster.From(args);
        args.RejectUnknown();

        var users = UserPool.Read(usersFile).Skip(offset).Take(count).ToList();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(deadline);
        await using var holder = new ConnectionHolder(cluster, users, globalOffset, addresses, concurrency);
        var stdout = TextWriter.Synchronized(Console.Out);
        var progress = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(bounded.Token).AsTask().ContinueWith(t => t is { IsCompletedSuccessfully: true, Result: true }))
            {
                stdout.WriteLine($"PROGRESS {holder.LoggedIn} {holder.Connected} {holder.Online} {holder.Synced}");
            }
        });
        try
        {
            // stdin closing (the parent is gone) or the deadline ends the worker.
            while (await Console.In.ReadLineAsync(bounded.Token) is { } command)
            {
                switch (command.Trim())
                {
                    case "LOGIN":
                        stdout.WriteLine("LOGGED " + (await holder.LoginAsync(bounded.Token)).ToJson().ToJsonString());
                        break;
                    case "CONNECT":
                        stdout.WriteLine("HELD " + (await holder.ConnectAsync(bounded.Token)).ToJson().ToJsonString());
                        break;
                    case "DROP":
                        stdout.WriteLine("DROPPED " + new JsonObject { ["open"] = await holder.DropAsync() }.ToJsonString());
                        break;
                    case "STORM":
                        stdout.WriteLine("STORMED " + (await holder.StormAsync(storm, bounded.Token)).ToJson().ToJsonString());
                        break;
                    case "STOP":
                        var open = holder.Open;
                        await holder.DisposeAsync();
                        stdout.WriteLine("STOPPED " + new JsonObject { ["open"] = open }.ToJsonString());
                        return 0;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("worker: deadline reached or cancelled; closing");
        }
        finally
        {
            await bounded.CancelAsync();
            await progress;
        }

        return 1;
    }
}
