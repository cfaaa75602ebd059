using ImCells.Cli.CommandLine;

namespace ImCells.Unit.Tests.Cli;

/// <summary>The completion scripts ask imcells with [suggest:N]: what that answers is what the shell offers.</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("imcells gro", "group")]
    [InlineData("imcells group ro", "role")]
    [InlineData("imcells friends ", "accept")]
    [InlineData("imcells friends add --pe", "--peer")]
    [InlineData("imcells privacy --only-friends ", "on")]
    [InlineData("imcells group role --role ", "admin")]
    [InlineData("imcells presence ", "away")]
    [InlineData("imcells completion ", "zsh")]
    public async Task Suggest_OffersCommandsOptionsAndChoices(string line, string offered)
    {
        var (code, output, _) = await CliConsole.RunAsync($"[suggest:{line.Length}]", line);

        Assert.Equal(0, code);
        Assert.Contains(offered, CliConsole.Lines(output));
    }

    [Fact]
    public async Task Suggest_HidesOldOptionNames()
    {
        var (_, output, _) = await CliConsole.RunAsync("[suggest:24]", "imcells friends add --to");

        Assert.DoesNotContain("--to", CliConsole.Lines(output));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _imcells_complete imcells ./imcells")]
    [InlineData("zsh", "compdef _imcells imcells ./imcells")]
    public async Task Completion_PrintsAScriptThatAsksImcells(string shell, string registers)
    {
        var (code, output, _) = await CliConsole.RunAsync("completion", shell);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("[suggest:", output);
        Assert.Contains(registers, output);
    }
}
