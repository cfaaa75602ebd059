using ImCells.Cli.Commands;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Cli;

/// <summary>The lines `chat` prints about unread counts, what arrived while away, receipts and /read.</summary>
public sealed class ChatFormatTests
{
    [Fact]
    public void Unread_NamesConversationsAsTheyAreTyped_SkipsReadOnes()
    {
        var line = ChatFormat.Unread(
            6,
            [new Conversation { Peer = 11_000_000, Unread = 2 }, new Conversation { Peer = 11_000_001, Unread = 0 }],
            [
                new GroupConversation { Group = 90_000_000, Name = "launch", Unread = 3, Mentions = 1 },
                new GroupConversation { Group = 90_000_001, Unread = 1 },
                new GroupConversation { Group = 90_000_002, Name = "quiet", Unread = 0 },
            ]);

        Assert.Equal("unread 6: @11000000 2, #90000000 \"launch\" 3 (1 mentioning you), #90000001 1", line);
    }

    [Fact]
    public void Unread_Nothing_SaysSo() => Assert.Equal("no unread messages", ChatFormat.Unread(0, [], []));

    [Fact]
    public void Unread_OnlyBeyondTheListedConversations_ShowsTheTotal() => Assert.Equal("unread 4", ChatFormat.Unread(4, [], []));

    [Theory]
    [InlineData(0, 0, "")]
    [InlineData(1, 1, "1 message since this device was last online:")]
    [InlineData(3, 3, "3 messages since this device was last online:")]
    [InlineData(120, 50, "120 messages since this device was last online, the newest 50:")]
    public void Away_CountsWhatArrivedAndWhatIsShown(int arrived, int shown, string expected) =>
        Assert.Equal(expected, ChatFormat.Away(arrived, shown));

    [Fact]
    public void Receipt_NamesTheReaderAndTheSendersSeq()
    {
        var receipt = new ReadReceipt { Reader = 11_000_000, MessageId = "b-1", Seq = 7, ReadAtMs = 1_796_198_400_000 };

        Assert.Equal("* 11000000 (bob) read your messages up to #7 at 2026-12-02T08:00:00.000Z", ChatFormat.Receipt(receipt, "11000000 (bob)"));
    }

    [Fact]
    public void Read_OneToOneAndGroup_SayWhatIsLeft()
    {
        Assert.Equal("read @11000000 up to #9: unread 0, total 3",
            ChatFormat.Read(new MarkReadOk { Peer = 11_000_000, ReadSeq = 9, Unread = 0, TotalUnread = 3 }));
        Assert.Equal("read #90000000 up to #4: unread 0, total 0",
            ChatFormat.Read(new GroupReadOk { Group = 90_000_000, ReadSeq = 4, Unread = 0, TotalUnread = 0 }));
    }

    [Theory]
    [InlineData(true, "read receipts: on")]
    [InlineData(false, "read receipts: off")]
    public void Settings_OneLinePerSetting(bool readReceipts, string expected) =>
        Assert.Equal(expected, SettingsCommand.Text(new SettingsOk { ReadReceipts = readReceipts }));
}
