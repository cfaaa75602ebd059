using ImCells.Cli;
using ImCells.Cli.CommandLine;
using ImCells.Cli.Commands;

// Thin entry point: `bench` goes to the load generator as typed; the rest is parsed by
// System.CommandLine and every failure becomes one line and an exit code (CommandLine/ExitCodes.cs).
if (args is ["bench", .. var benchArgs])
{
    return await CliRun.GuardAsync(() => BenchCommand.RunAsync(benchArgs));
}

return await CliRun.InvokeAsync(CliRoot.Build(), args);
