using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells completion bash|zsh: a script to source that completes commands, subcommands, options
/// and their choices by asking imcells itself (System.CommandLine's [suggest:N] directive), so it
/// never falls behind the commands.
/// </summary>
internal static class CompletionCommand
{
    public static Command Build() => new CommandBuilder("completion", "print a shell completion script to source: source <(./imcells completion bash)")
        .Words("shell", "the shell the script is for", min: 1, max: 1, "bash", "zsh")
        .Run(args =>
        {
            Console.Write(args.Positionals[0] == "zsh" ? CompletionScripts.Zsh : CompletionScripts.Bash);
            return Task.FromResult(ExitCodes.Ok);
        });
}
