using ImCells.Cli.CommandLine;

namespace ImCells.Unit.Tests.Cli;

/// <summary>Runs imcells in-process as Program does, with stdout and stderr captured.</summary>
internal static class CliConsole
{
    // Console is one per process: the tests that swap it take turns.
    private static readonly SemaphoreSlim Turn = new(1, 1);

    public static async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        await Turn.WaitAsync();
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        try
        {
            Console.SetOut(output);
            Console.SetError(error);
            var code = await CliRun.InvokeAsync(CliRoot.Build(), args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            Turn.Release();
        }
    }

    /// <summary>The lines of <paramref name="text"/> without the empty ones.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
