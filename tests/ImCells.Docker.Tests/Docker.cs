using System.Diagnostics;
using System.Text;

namespace ImCells.Docker.Tests;

/// <summary>The docker command (or another program), bounded: each call has a timeout and fails with the program's own message.</summary>
internal static class Docker
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs docker with <paramref name="args"/>; returns stdout (trimmed) or throws with stderr.</summary>
    public static async Task<string> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var (code, stdout, stderr) = await TryRunAsync(args, timeout, ct);
        return code == 0
            ? stdout
            : throw new InvalidOperationException($"docker {string.Join(' ', args)} exited with {code}: {stderr.Trim()} {stdout.Trim()}".Trim());
    }

    public static Task<(int Code, string Stdout, string Stderr)> TryRunAsync(
        IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default) =>
        TryRunAsync("docker", args, timeout, ct);

    /// <summary>Runs <paramref name="program"/> with <paramref name="args"/> within <paramref name="timeout"/> (killed after it).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> TryRunAsync(
        string program, IEnumerable<string> args, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using var process = Start(program, args);
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bound.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish within {(timeout ?? DefaultTimeout).TotalSeconds:0} s");
        }

        return (process.ExitCode, (await stdout).Trim(), await stderr);
    }

    /// <summary>Starts docker with redirected output (the caller reads it).</summary>
    public static Process Start(IEnumerable<string> args) => Start("docker", args);

    private static Process Start(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
    }
}
