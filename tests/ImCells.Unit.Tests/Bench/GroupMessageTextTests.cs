using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>The sender and counter ride in the message text; the receive path reads them back without allocating.</summary>
public sealed class GroupMessageTextTests
{
    [Fact]
    public void Message_RoundTrips()
    {
        var text = GroupMessageText.Message(7, 12345, 987654321012);

        Assert.Equal("b:7:12345:987654321012", text);
        Assert.True(GroupMessageText.TryParseMessage(text, out var sender, out var counter, out var timestamp));
        Assert.Equal((7, 12345, 987654321012L), (sender, counter, timestamp));
        Assert.False(GroupMessageText.TryParseProbe(text, out _));
    }

    [Fact]
    public void Probe_RoundTrips()
    {
        var text = GroupMessageText.Probe(42);

        Assert.True(GroupMessageText.TryParseProbe(text, out var timestamp));
        Assert.Equal(42L, timestamp);
        Assert.False(GroupMessageText.TryParseMessage(text, out _, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("b:")]
    [InlineData("b:1:2")]
    [InlineData("b:1:2:")]
    [InlineData("b::2:3")]
    [InlineData("b:1::3")]
    [InlineData("b:-1:2:3")]
    [InlineData("b:1:2:3:4")]
    [InlineData("b:x:2:3")]
    [InlineData("x:1:2:3")]
    [InlineData("b:99999999999:2:3")]
    public void Message_RefusesOtherTexts(string text) => Assert.False(GroupMessageText.TryParseMessage(text, out _, out _, out _));

    [Fact]
    public void Parsing_DoesNotAllocate()
    {
        var text = GroupMessageText.Message(3, 4, 5);
        GroupMessageText.TryParseMessage(text, out _, out _, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();

        for (var i = 0; i < 1000; i++)
        {
            GroupMessageText.TryParseMessage(text, out _, out _, out _);
            GroupMessageText.TryParseProbe(text, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
