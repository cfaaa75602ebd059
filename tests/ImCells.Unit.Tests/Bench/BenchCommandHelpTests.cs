using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>--help on bench and on every benchmark prints its usage and exits 0; bad options exit 2 before any load.</summary>
public sealed class BenchCommandHelpTests
{
    public static TheoryData<string> Kinds => [.. BenchUsage.Kinds];

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public async Task Bench_Help_ExitsZero(string help) => Assert.Equal(0, await BenchCommand.RunAsync([help]));

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Kind_HelpOrH_ExitsZero(string kind)
    {
        Assert.Equal(0, await BenchCommand.RunAsync([kind, "--help"]));
        Assert.Equal(0, await BenchCommand.RunAsync([kind, "--count", "5", "-h"]));
        Assert.Equal(0, await BenchCommand.RunAsync(["help", kind]));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Usage_OfEveryKind_HasOptionsDefaultsAnExampleAndTheExitCodes(string kind)
    {
        var usage = BenchUsage.For(kind)!;

        Assert.StartsWith($"usage: imcells bench {kind}", usage, StringComparison.Ordinal);
        Assert.Contains("(default", usage, StringComparison.Ordinal);
        Assert.Contains($"example: ./imcells bench {kind}", usage, StringComparison.Ordinal);
        Assert.Contains("--allow-slow-registration", usage, StringComparison.Ordinal);
        Assert.Contains("--gate", usage, StringComparison.Ordinal);
        Assert.Contains("exit codes: 0 the run completed", usage, StringComparison.Ordinal);
    }

    [Fact]
    public void ChatUsage_StatesTheDefaultLoad() =>
        Assert.Contains($"(default {ChatBench.ChatOptions.DefaultRate} when none of --rate", BenchUsage.Chat, StringComparison.Ordinal);

    [Theory]
    [InlineData("chat", "--users")]
    [InlineData("chat", "--users", "1")]
    [InlineData("chat", "--rate", "100", "--closed-loop")]
    [InlineData("chat", "--no-such-option", "1")]
    [InlineData("connections", "--count", "0")]
    [InlineData("no-such-benchmark")]
    public async Task BadOptions_ExitTwoWithoutLoad(params string[] args) => Assert.Equal(2, await BenchCommand.RunAsync(args));

    [Fact]
    public async Task NoArguments_IsAUsageError() => Assert.Equal(2, await BenchCommand.RunAsync([]));
}
