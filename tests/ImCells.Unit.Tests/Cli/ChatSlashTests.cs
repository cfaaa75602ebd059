using ImCells.Cli.Commands;

namespace ImCells.Unit.Tests.Cli;

/// <summary>The slash commands typed in `chat`: /read, /read M, /read @M, /read #G, /help.</summary>
public sealed class ChatSlashTests
{
    [Theory]
    [InlineData("/read", "/read", "")]
    [InlineData("/read 11000000", "/read", "11000000")]
    [InlineData("/read   #90000000  ", "/read", "#90000000")]
    [InlineData("/help", "/help", "")]
    public void SlashLines_SplitIntoNameAndArgument(string line, string name, string argument)
    {
        Assert.True(ChatSlash.TryParse(line, out var slash));
        Assert.Equal(new ChatSlash(name, argument), slash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("@11000000 hi")]
    [InlineData("hello /read")]
    public void OtherLines_AreNoSlashCommand(string line) => Assert.False(ChatSlash.TryParse(line, out _));

    [Theory]
    [InlineData("11000000", false, 11_000_000UL)]
    [InlineData("@11000000", false, 11_000_000UL)]
    [InlineData("#90000000", true, 90_000_000UL)]
    public void ReadTargets_UserOrGroup(string argument, bool group, ulong number)
    {
        Assert.True(ChatSlash.TryTarget(argument, out var isGroup, out var parsed));
        Assert.Equal((group, number), (isGroup, parsed));
    }

    [Theory]
    [InlineData("bob")]
    [InlineData("#")]
    [InlineData("@")]
    [InlineData("0")]
    [InlineData("#-1")]
    [InlineData("@#1")]
    public void ReadTargets_OtherWords_Refused(string argument) => Assert.False(ChatSlash.TryTarget(argument, out _, out _));

    [Fact]
    public void Help_ListsEveryCommandTheChatUnderstands()
    {
        var usages = ChatSlash.All.Select(c => c.Usage).ToList();
        foreach (var command in new[] { "/read", "/read M", "/read #G", "/unread", "/away, /back", "/friends", "/help" })
        {
            Assert.Contains(command, usages);
        }
    }
}
