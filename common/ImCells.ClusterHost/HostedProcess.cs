using System.Diagnostics;

namespace ImCells.ClusterHost;

/// <summary>
/// One started process: its stdout and stderr go line by line to a <see cref="ProcessLog"/> and to
/// its own short tail (<see cref="Output"/>); it can be stopped (SIGTERM, then SIGKILL after a grace
/// period) or killed (SIGKILL, no goodbye). <see cref="Exited"/> completes once it is gone and its
/// output is drained. Whether an exit was asked for is known (<see cref="StopRequested"/>).
/// </summary>
public sealed class HostedProcess : IAsyncDisposable
{
    /// <summary>How many of its own last lines a process keeps for <see cref="Output"/>.</summary>
    public const int OutputTail = 1000;

    private static readonly TimeSpan ReapTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly ProcessLog _log;
    private readonly Queue<string> _tail = new();
    private volatile bool _stopRequested;

    private HostedProcess(ProcessSpec spec, Process process, ProcessLog log)
    {
        Spec = spec;
        _process = process;
        _log = log;
        Pid = process.Id;
    }

    public ProcessSpec Spec { get; }

    public string Name => Spec.Name;

    public int Pid { get; }

    /// <summary>Completes with the exit code once the process is gone and its output drained.</summary>
    public Task<int> Exited { get; private set; } = Task.FromResult(0);

    public bool HasExited => Exited.IsCompleted;

    /// <summary>True once <see cref="StopAsync"/> or <see cref="KillAsync"/> was called: an exit after it was expected.</summary>
    public bool StopRequested => _stopRequested;

    /// <summary>The child's standard input (only with <see cref="ProcessSpec.OpenStandardInput"/>).</summary>
    public StreamWriter StandardInput => _process.StandardInput;

    /// <summary>Starts <paramref name="spec"/>; its output goes to <paramref name="log"/> under its name.</summary>
    public static HostedProcess Start(ProcessSpec spec, ProcessLog log)
    {
        var info = new ProcessStartInfo(spec.FileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = spec.OpenStandardInput,
        };
        if (spec.WorkingDirectory is not null)
        {
            info.WorkingDirectory = spec.WorkingDirectory;
        }

        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        HostedProcess? hosted = null;
        var early = new List<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            // A line may arrive before Start returned; hold it until the wrapper exists.
            lock (early)
            {
                if (hosted is null)
                {
                    early.Add(line);
                    return;
                }
            }

            hosted.Record(line);
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        try
        {
            if (!process.Start())
            {
                throw new InvalidOperationException($"could not start {spec.Name}: {spec}");
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new InvalidOperationException($"could not start {spec.Name}: {spec}: {e.Message}", e);
        }

        log.Note($"started {spec.Name} (pid {process.Id}): {spec}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        lock (early)
        {
            hosted = new HostedProcess(spec, process, log);
            foreach (var line in early)
            {
                hosted.Record(line);
            }
        }

        // Only now: Exited must not complete before the lines that came early are recorded.
        hosted.Exited = hosted.WaitForExitAsync();
        return hosted;
    }

    /// <summary>Its last lines (at most <see cref="OutputTail"/>), stdout and stderr interleaved.</summary>
    public IReadOnlyList<string> Output()
    {
        lock (_tail)
        {
            return [.. _tail];
        }
    }

    /// <summary>
    /// SIGTERM, then SIGKILL (with anything it started) if it has not exited within
    /// <paramref name="grace"/>. Returns the exit code, or null if it outlived the kill too.
    /// </summary>
    public async Task<int?> StopAsync(TimeSpan grace)
    {
        _stopRequested = true;
        if (!HasExited && UnixSignals.Terminate(Pid))
        {
            await ((Task)Exited).WaitAsync(grace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (HasExited)
            {
                return Exited.Result;
            }

            _log.Note($"{Name} (pid {Pid}) did not stop within {grace.TotalSeconds:0.#} s of SIGTERM; killing it");
        }

        return await KillAsync();
    }

    /// <summary>SIGKILL for it and anything it started; returns the exit code, or null if it is still there after 15 s.</summary>
    public async Task<int?> KillAsync()
    {
        _stopRequested = true;
        try
        {
            if (!HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited (and reaped) in the meantime.
        }

        await ((Task)Exited).WaitAsync(ReapTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!HasExited)
        {
            _log.Note($"{Name} (pid {Pid}) still there {ReapTimeout.TotalSeconds:0} s after SIGKILL");
            return null;
        }

        return Exited.Result;
    }

    /// <summary>Kills it if it still runs, then releases the process handle.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    public override string ToString() => $"{Name} (pid {Pid})";

    private void Record(string line)
    {
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > OutputTail)
            {
                _tail.Dequeue();
            }
        }

        _log.Write(Name, line);
    }

    private async Task<int> WaitForExitAsync()
    {
        // Also waits for the end of stdout and stderr, so every line is recorded first.
        await _process.WaitForExitAsync();
        var code = _process.ExitCode;
        _log.Note($"{Name} (pid {Pid}) exited with code {code}{(_stopRequested ? "" : " (unexpected)")}");
        return code;
    }
}
