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
}

internal sealed class LocalHolder(ConnectionHolder holder) : IHolder
{
    public int LoggedIn => holder.LoggedIn;

    public int Connected => holder.Connected;

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
/// A copy of the bench running "_worker ...": it takes LOGIN / CONNECT / STOP on stdin and answers
/// LOGGED / HELD / STOPPED with a JSON body on stdout (PROGRESS lines in between). Disposing kills
/// it by its Process object, so no worker outlives the bench.
/// </summary>
internal sealed class RemoteHolder : IHolder
{
    private readonly Process _process;
    private readonly Dictionary<string, TaskCompletionSource<JsonNode>> _answers = new(StringComparer.Ordinal)
    {
        ["LOGGED"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        ["HELD"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        ["STOPPED"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
    };

    private int _loggedIn;
    private int _connected;

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

    public Task<PhaseResult> LoginAsync(CancellationToken ct) => CommandAsync("LOGIN", "LOGGED", ct);

    public Task<PhaseResult> ConnectAsync(CancellationToken ct) => CommandAsync("CONNECT", "HELD", ct);

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

    private async Task<PhaseResult> CommandAsync(string command, string answer, CancellationToken ct)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync(ct);
        return PhaseResult.FromJson(await _answers[answer].Task.WaitAsync(ct));
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

/// <summary>The worker side: "_worker --users-file F --offset O --count C ..." driven by stdin.</summary>
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
                stdout.WriteLine($"PROGRESS {holder.LoggedIn} {holder.Connected}");
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
