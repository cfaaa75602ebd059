using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>bench group's options: the defaults follow --members, wrong combinations are refused up front, members spread round robin.</summary>
public sealed class GroupBenchOptionsTests
{
    private static readonly HashSet<string> Flags = ["closed-loop", "find-max"];

    [Fact]
    public void Defaults_FollowMembersAndTheTopologyCells()
    {
        var options = Parse("--members", "2500");

        Assert.Equal((2500, 1000, 10, 100.0, false, 10, 10), (options.Members, options.Online, options.Senders, options.Rate, options.ClosedLoop, options.Seconds, options.DrainSeconds));
        Assert.Equal(["a", "b"], options.Cells);
        Assert.Equal("open-loop", options.Load);
    }

    [Fact]
    public void SmallGroup_ConnectsEveryoneAndCapsTheSenders()
    {
        var options = Parse("--members", "5", "--closed-loop", "--cells", "b, c", "--seconds", "3");

        Assert.Equal((5, 5, true, 0.0, 3), (options.Online, options.Senders, options.ClosedLoop, options.Rate, options.Seconds));
        Assert.Equal(["b", "c"], options.Cells);
        Assert.Equal("closed-loop", options.Load);
    }

    [Theory]
    [InlineData("--members", "10", "--rate", "5", "--closed-loop")]
    [InlineData("--members", "10", "--online", "11")]
    [InlineData("--members", "10", "--online", "4", "--senders", "5")]
    [InlineData("--members", "1")]
    [InlineData("--members", "10", "--cells", "a,a")]
    [InlineData("--members", "10", "--cells", ",")]
    [InlineData("--members", "10", "--users", "10")]
    [InlineData("--members", "10", "--rate", "0")]
    public void Refuses(params string[] args) => Assert.Throws<BenchException>(() => Parse(args));

    [Fact]
    public void Members_SpreadRoundRobinOverTheCells()
    {
        var options = Parse("--members", "7", "--cells", "a,b,c");

        Assert.Equal([3, 2, 2], [options.MembersIn(0), options.MembersIn(1), options.MembersIn(2)]);
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], Enumerable.Range(0, 7).Select(options.CellIndexOf));
    }

    private static GroupBenchOptions Parse(params string[] args) => GroupBenchOptions.Parse(new BenchArgs(args, Flags), () => ["a", "b"]);
}
