using ImCells.Cli.Commands;

namespace ImCells.Unit.Tests.Cli;

/// <summary>What `chat` sends for a typed line: "@M text" to user M, "#G text" to group G, nothing for the rest.</summary>
public sealed class ChatLineTests
{
    [Theory]
    [InlineData("#90000001 hello all", true, 90_000_001UL, "hello all")]
    [InlineData("#90000001    spaced  out", true, 90_000_001UL, "spaced  out")]
    [InlineData("#90000001 @10000002 look", true, 90_000_001UL, "@10000002 look")]
    [InlineData("@10000002 hi", false, 10_000_002UL, "hi")]
    public void SendingLines_NameTheTargetAndText(string line, bool toGroup, ulong to, string text)
    {
        Assert.True(ChatLine.TryParse(line, out var parsed));
        Assert.Equal(new ChatLine(toGroup, to, text), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("#90000001")]
    [InlineData("#90000001   ")]
    [InlineData("# hello")]
    [InlineData("#abc hello")]
    [InlineData("#-1 hello")]
    [InlineData("#99999999999999999999 overflow")]
    [InlineData("/friends")]
    public void OtherLines_SendNothing(string line) => Assert.False(ChatLine.TryParse(line, out _));
}
