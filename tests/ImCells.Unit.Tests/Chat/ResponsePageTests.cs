using System.Text;
using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Client;
using ImCells.Protos;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Chat;

/// <summary>
/// The byte cut of listing responses: a page takes items while they fit, always at least one, and
/// a page of the largest items allowed still fits in one frame that the client accepts.
/// </summary>
public sealed class ResponsePageTests
{
    [Theory]
    [InlineData(16 * 1024)] // Chat:MaxTextBytes, default
    [InlineData(ChatOptions.MaxTextBytesCeiling)]
    public void SyncPageOfMaximumSizeMessages_FitsInOneServerFrame(int textBytes)
    {
        var result = new SyncResult { HeadSeq = ulong.MaxValue, HasMore = true };
        var page = new ResponsePage();
        var seq = 0UL;
        while (page.TryAdd(result.Messages, LargestMessage(++seq, textBytes)))
        {
        }

        var frame = new Frame { Seq = uint.MaxValue, SyncResult = result };
        Assert.True(page.IsFull);
        Assert.True(result.Messages.Count >= 1);
        Assert.Equal(page.Count, result.Messages.Count);
        // Full means the next one did not fit: the page is within one message of its bytes.
        Assert.InRange(frame.CalculateSize(), ResponsePage.MaxBytes - LargestMessage(1, textBytes).CalculateSize() - 16, FrameCodec.MaxServerFrameBytes);
    }

    [Fact]
    public void ConversationsPageOfMaximumSizeMessages_FitsInOneServerFrame()
    {
        var result = new ConversationsResult { TotalUnread = ulong.MaxValue, HasMore = true };
        var page = new ResponsePage();
        var peer = 0UL;
        while (page.TryAdd(result.Conversations, new Conversation
        {
            Peer = ulong.MaxValue - ++peer,
            LastMessage = LargestMessage(peer, ChatOptions.MaxTextBytesCeiling),
            Unread = ulong.MaxValue,
            ReadSeq = ulong.MaxValue,
        }))
        {
        }

        Assert.InRange(new Frame { Seq = uint.MaxValue, ConversationsResult = result }.CalculateSize(), 1, FrameCodec.MaxServerFrameBytes);
    }

    [Fact]
    public void FirstItem_IsAlwaysTaken_EvenOverThePageBytes()
    {
        var result = new SyncResult();
        var page = new ResponsePage(maxBytes: 10);

        Assert.True(page.TryAdd(result.Messages, new ChatMessage { Text = new string('x', 100) }));
        Assert.False(page.TryAdd(result.Messages, new ChatMessage { Seq = 2 }));
        Assert.True(page.IsFull);
        Assert.Single(result.Messages);
    }

    [Fact]
    public void Page_CountsTheEncodedBytesOfEachItem_AndStopsAtTheFirstThatDoesNotFit()
    {
        var result = new SyncResult();
        var item = new ChatMessage { Text = new string('x', 95) }; // body 97 bytes, tag and length 2: 99 as a field
        var page = new ResponsePage(maxBytes: 99 * 10);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(page.TryAdd(result.Messages, item));
        }

        Assert.False(page.IsFull);
        Assert.Equal(99 * 10, page.Bytes);
        Assert.Equal(page.Bytes, result.CalculateSize());
        Assert.False(page.TryAdd(result.Messages, new ChatMessage { Seq = 1 }));
        Assert.True(page.IsFull);
    }

    [Fact]
    public void Client_AcceptsEveryFrameAServerSends()
    {
        Assert.True(ChatConnection.MinIncomingFrameBytes >= FrameCodec.MaxServerFrameBytes,
            $"the client accepts {ChatConnection.MinIncomingFrameBytes} bytes; a server may send {FrameCodec.MaxServerFrameBytes}");
        Assert.True(ResponsePage.MaxBytes + ResponsePage.Reserve <= FrameCodec.MaxServerFrameBytes);
    }

    /// <summary>A message as large as its text allows: 4-byte characters, the largest numbers, a long id and failure reason.</summary>
    internal static ChatMessage LargestMessage(ulong seq, int textBytes)
    {
        var text = string.Concat(Enumerable.Repeat("\U0001F600", textBytes / 4)) + new string('x', textBytes % 4);
        Assert.Equal(textBytes, Encoding.UTF8.GetByteCount(text));
        return new ChatMessage
        {
            Id = new string('i', 64),
            From = ulong.MaxValue,
            To = ulong.MaxValue,
            Seq = ulong.MaxValue - seq,
            Text = text,
            SentAtMs = -1, // a negative int64 takes the most bytes: ten
            FailedReason = new string('r', 200),
        };
    }
}
