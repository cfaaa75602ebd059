using System.Diagnostics;

namespace ImCells.Cli.Up;

/// <summary>
/// One server process started with "dotnet &lt;dll&gt;", its output copied to ours line by line
/// behind a "[name] " prefix so the interleaved log stays readable.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        Exited = WaitAsync();
    }

    public string Name { get; }

    /// <summary>Completes with the exit code once the process is gone and its output drained.</summary>
    public Task<int> Exited { get; }

    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var prefix = $"[{name}] ";
        process.OutputDataReceived += (_, e) => Copy(prefix, e.Data);
        process.ErrorDataReceived += (_, e) => Copy(prefix, e.Data);
        if (!process.Start())
        {
            throw new CliException($"cannot start {name}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(name, process);
    }

    /// <summary>Kills the process and everything it started; a process already gone is fine.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose() => _process.Dispose();

    private async Task<int> WaitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    // Console.Out is synchronized, so whole lines from different children never interleave.
    private static void Copy(string prefix, string? line)
    {
        if (line is not null)
        {
            Console.Out.WriteLine(prefix + line);
        }
    }

    // We run under the dotnet host ourselves; reuse it so PATH does not matter.
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
