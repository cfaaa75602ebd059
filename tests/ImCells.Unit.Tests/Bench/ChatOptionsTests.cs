using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>bench chat's defaults: --users and --seconds alone (or nothing) run open loop at the default rate.</summary>
public sealed class ChatOptionsTests
{
    private static readonly HashSet<string> Flags = ["closed-loop", "find-max"];

    [Fact]
    public void UsersAndSecondsAlone_RunOpenLoopAtTheDefaultRate()
    {
        var options = Parse("--users", "200", "--seconds", "10");

        Assert.Equal((200, "same-cell", ChatBench.ChatOptions.DefaultRate, false, false, 10), (options.Users, options.Mode, options.Rate, options.ClosedLoop, options.FindMax, options.Seconds));
    }

    [Fact]
    public void NoOptions_UseTheDocumentedDefaults()
    {
        var options = Parse();

        Assert.Equal((ChatBench.ChatOptions.DefaultUsers, 1000.0, 10, 100.0, 5, 64), (options.Users, options.Rate, options.Seconds, options.P99LimitMs, options.GraceSeconds, options.TextBytes));
    }

    [Theory]
    [InlineData("--closed-loop")]
    [InlineData("--find-max")]
    public void ClosedLoopOrFindMax_NeedNoRate(string load)
    {
        var options = Parse(load);

        Assert.Equal(0.0, options.Rate);
        Assert.Equal((load == "--closed-loop", load == "--find-max"), (options.ClosedLoop, options.FindMax));
    }

    [Fact]
    public void GivenRate_IsKept() => Assert.Equal(250.0, Parse("--rate", "250").Rate);

    [Theory]
    [InlineData("--rate", "100", "--closed-loop")]
    [InlineData("--rate", "100", "--find-max")]
    [InlineData("--closed-loop", "--find-max")]
    [InlineData("--rate", "0")]
    [InlineData("--mode", "elsewhere")]
    [InlineData("--users", "20000")]
    public void Refuses_AsAUsageError(params string[] args)
    {
        var refused = Assert.Throws<BenchException>(() => Parse(args));

        Assert.True(refused.IsUsage);
        Assert.Equal(2, refused.ExitCode);
    }

    private static ChatBench.ChatOptions Parse(params string[] args) => ChatBench.ChatOptions.Parse(new BenchArgs(args, Flags));
}
