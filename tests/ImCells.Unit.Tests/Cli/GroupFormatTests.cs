using System.Text.Json;
using ImCells.Cli;
using ImCells.Protos.Client;
using Kind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Unit.Tests.Cli;

/// <summary>How group entries print: messages as "[group G #seq] from: text", events in words.</summary>
public sealed class GroupFormatTests
{
    private const ulong Group = 90_000_001;
    private const ulong Alice = 10_000_001;

    [Fact]
    public void Message_IsGroupSeqSenderText() =>
        Assert.Equal("[group 90000001 #5] 10000001: hello", GroupFormat.Text(Entry(5, text: "hello")));

    [Theory]
    [InlineData(Kind.Created, "created the group \"team\"")]
    [InlineData(Kind.Added, "added 11000002")]
    [InlineData(Kind.Removed, "removed 11000002")]
    [InlineData(Kind.Left, "left")]
    [InlineData(Kind.Joined, "joined")]
    [InlineData(Kind.Role, "made 11000002 admin")]
    [InlineData(Kind.Renamed, "renamed the group to \"team\"")]
    [InlineData(Kind.Dissolved, "dissolved the group")]
    public void Event_InWords(Kind kind, string words)
    {
        var entry = Entry(6, new GroupEvent { Kind = kind, Members = { 11_000_002 }, Role = GroupRole.Admin, Name = "team" });
        Assert.Equal($"[group 90000001 #6] 10000001 {words}", GroupFormat.Text(entry));
    }

    [Fact]
    public void EventAboutManyMembers_ShowsTheFirstTen()
    {
        var added = new GroupEvent { Kind = Kind.Added, Members = { Enumerable.Range(1, 12).Select(i => (ulong)i) } };
        Assert.Equal("10000001 added 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more", GroupFormat.Body(Entry(7, added)));
    }

    [Fact]
    public void Conversation_NamesRoleCountsAndLastEntry()
    {
        var group = new GroupConversation { Group = Group, Name = "team", Role = GroupRole.Owner, Unread = 2, Mentions = 1, LastEntry = Entry(5, text: "hi") };
        Assert.Equal("group 90000001 \"team\"  owner  unread 2  mentions 1  #5 10000001: hi", GroupFormat.Text(group));
        Assert.Equal("group 90000001 \"old\"  left  unread 0  mentions 0", GroupFormat.Text(new GroupConversation { Group = Group, Name = "old" }));
    }

    [Fact]
    public void Json_HasTextOrEvent()
    {
        using var message = JsonDocument.Parse(GroupFormat.Json(Entry(5, text: "hi @11000002", mentions: 11_000_002)));
        Assert.Equal("hi @11000002", message.RootElement.GetProperty("text").GetString());
        Assert.Equal(11_000_002UL, message.RootElement.GetProperty("mentions")[0].GetUInt64());
        Assert.False(message.RootElement.TryGetProperty("event", out _));

        using var joined = JsonDocument.Parse(GroupFormat.Json(Entry(6, new GroupEvent { Kind = Kind.Joined })));
        Assert.Equal("joined", joined.RootElement.GetProperty("event").GetProperty("kind").GetString());
        Assert.False(joined.RootElement.TryGetProperty("text", out _));
    }

    [Fact]
    public void Role_ParsesTheThreeWordsOnly()
    {
        Assert.Equal(GroupRole.Admin, GroupFormat.ParseRole("--role", "admin"));
        Assert.Throws<UsageException>(() => GroupFormat.ParseRole("--role", "none"));
    }

    private static GroupEntry Entry(ulong seq, GroupEvent? groupEvent = null, string text = "", params ulong[] mentions) =>
        new() { Group = Group, Seq = seq, From = Alice, Text = text, Event = groupEvent, Mentions = { mentions }, SentAtMs = 1 };
}
