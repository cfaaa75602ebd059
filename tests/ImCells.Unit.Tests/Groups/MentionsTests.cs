using ImCells.Cell.Groups;

namespace ImCells.Unit.Tests.Groups;

public sealed class MentionsTests
{
    [Theory]
    [InlineData("@10000001 hi", new ulong[] { 10_000_001 })]
    [InlineData("hi @10000001, @11000002 and @10000001 again", new ulong[] { 10_000_001, 11_000_002 })]
    [InlineData("mail me at bob@10000001 or @12x", new ulong[0])]
    [InlineData("@ @0 @", new ulong[0])]
    [InlineData("(@42)", new ulong[] { 42 })]
    public void Parse_FindsStandaloneNumbers(string text, ulong[] expected) =>
        Assert.Equal(expected, Mentions.Parse(text));

    [Fact]
    public void Parse_KeepsAtMostTheLimit() =>
        Assert.Equal(Mentions.Max, Mentions.Parse(string.Join(' ', Enumerable.Range(1, 80).Select(i => $"@{i}"))).Count);
}
