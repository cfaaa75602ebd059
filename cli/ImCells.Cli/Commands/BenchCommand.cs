using System.CommandLine;
using System.Diagnostics;
using ImCells.Cli.Up;

namespace ImCells.Cli.Commands;

/// <summary>
/// `imcells bench ...` runs the load generator (bench/ImCells.Bench) as a child process on the same
/// terminal: it spawns load workers of its own, so it lives in its own process, not inside the CLI.
/// </summary>
internal static class BenchCommand
{
    /// <summary>
    /// Listed in `imcells --help` only: Program hands `bench ...` to the load generator unparsed,
    /// so `bench chat --help` is the load generator's own help.
    /// </summary>
    public static Command Build() =>
        new("bench", "load generator against a running cluster: connections, chat, login, group (bench KIND --help)");

    public static async Task<int> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory };
        start.ArgumentList.Add(ServerBinaries.Bench(RepoRoot.Find()));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var bench = Process.Start(start) ?? throw new CliException("could not start the benchmark");
        // Ctrl-C reaches the bench too (same process group); it stops its workers and reports.
        Console.CancelKeyPress += (_, e) => e.Cancel = true;
        await bench.WaitForExitAsync();
        return bench.ExitCode;
    }
}
