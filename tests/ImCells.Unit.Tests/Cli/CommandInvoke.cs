using System.CommandLine;
using ImCells.Cli;

namespace ImCells.Unit.Tests.Cli;

/// <summary>Runs one declared command the way `imcells` does, but lets its exceptions reach the test.</summary>
internal static class CommandInvoke
{
    public static Task<int> RunAsync(Command command, params string[] args)
    {
        var parsed = new RootCommand { command }.Parse([command.Name, .. args]);
        if (parsed.Errors.Count > 0)
        {
            throw new UsageException(string.Join("; ", parsed.Errors.Select(e => e.Message)));
        }

        return parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
