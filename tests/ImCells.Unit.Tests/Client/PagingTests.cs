using ImCells.Client;
using ImCells.Protos;
using ImCells.Protos.Client;
using Section = ImCells.Protos.Client.FriendListRequest.Types.Section;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// The client library against a scripted server that pages: it accepts a frame as large as a server
/// may send, syncs on while has_more says so, and follows the friend list and the scheduled list to
/// their ends with the cursors the server handed out.
/// </summary>
public sealed class PagingTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SyncPages_OfTheLargestServerFrame_AreFollowedToTheHead()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start(headSeq: 5);
        await using var client = await server.ConnectClientAsync(ct);

        var first = await server.NextRequestAsync(ct);
        Assert.Equal(0UL, first.Sync.FromSeq);
        // One message filling a frame of just under 1 MiB: far over the 64 KiB the server accepts from the client.
        var big = new SyncResult { Messages = { Message(1, 0) }, HeadSeq = 5, HasMore = true };
        big.Messages[0].Text = new string('x', FrameCodec.MaxServerFrameBytes - new Frame { Seq = first.Seq, SyncResult = big }.CalculateSize() - 8);
        Assert.InRange(new Frame { Seq = first.Seq, SyncResult = big }.CalculateSize(), FrameCodec.MaxServerFrameBytes - 16, FrameCodec.MaxServerFrameBytes);
        await server.ReplyAsync(first, new Frame { SyncResult = big });

        var second = await server.NextRequestAsync(ct);
        Assert.Equal(1UL, second.Sync.FromSeq);
        await server.ReplyAsync(second, new Frame { SyncResult = new SyncResult { Messages = { Message(2), Message(3) }, HeadSeq = 5, HasMore = true } });

        var third = await server.NextRequestAsync(ct);
        Assert.Equal(3UL, third.Sync.FromSeq);
        await server.ReplyAsync(third, new Frame { SyncResult = new SyncResult { Messages = { Message(4), Message(5) }, HeadSeq = 5 } });

        await client.WaitCaughtUpAsync(ct);
        var seqs = new List<ulong>();
        while (client.Messages.TryRead(out var message))
        {
            seqs.Add(message.Seq);
        }

        Assert.Equal([1UL, 2UL, 3UL, 4UL, 5UL], seqs);
        Assert.True(client.IsConnected);
        Assert.Equal(0, client.Reconnects);
    }

    [Fact]
    public async Task FriendList_FollowsEveryPage_IntoOneList()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start();
        await using var client = await server.ConnectClientAsync(ct);

        var listing = client.FriendListAsync(ct);
        var first = await server.NextRequestAsync(ct);
        Assert.Equal((Section.Friends, 0UL), (first.FriendList.FromSection, first.FriendList.AfterUser));
        await server.ReplyAsync(first, new Frame
        {
            FriendListResult = new FriendList
            {
                Friends = { new Friend { User = 11 }, new Friend { User = 12 } },
                HasMore = true,
                NextSection = Section.Friends,
                NextAfterUser = 12,
            },
        });

        var second = await server.NextRequestAsync(ct);
        Assert.Equal((Section.Friends, 12UL), (second.FriendList.FromSection, second.FriendList.AfterUser));
        await server.ReplyAsync(second, new Frame
        {
            FriendListResult = new FriendList
            {
                Friends = { new Friend { User = 13 } },
                Incoming = { new PendingFriendRequest { User = 21 } },
                HasMore = true,
                NextSection = Section.Blocked,
                NextAfterUser = 0,
            },
        });

        var third = await server.NextRequestAsync(ct);
        Assert.Equal((Section.Blocked, 0UL), (third.FriendList.FromSection, third.FriendList.AfterUser));
        await server.ReplyAsync(third, new Frame { FriendListResult = new FriendList { Blocked = { 31, 32 } } });

        var list = await listing.WaitAsync(ct);
        Assert.Equal([11UL, 12UL, 13UL], list.Friends.Select(f => f.User));
        Assert.Equal([21UL], list.Incoming.Select(r => r.User));
        Assert.Equal([31UL, 32UL], list.Blocked);
        Assert.False(list.HasMore);
        Assert.Empty(server.PendingRequests());
    }

    [Fact]
    public async Task ScheduledList_GoesOnAfterTheLastItemOfEachPage()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start();
        await using var client = await server.ConnectClientAsync(ct);

        var listing = client.ListScheduledAsync(ct);
        var first = await server.NextRequestAsync(ct);
        Assert.Equal((0L, ""), (first.ListScheduled.AfterDeliverAtMs, first.ListScheduled.AfterScheduleId));
        await server.ReplyAsync(first, new Frame
        {
            ScheduledList = new ScheduledList { Items = { new ScheduledMessage { ScheduleId = "a", DeliverAtMs = 7 } }, HasMore = true },
        });

        var second = await server.NextRequestAsync(ct);
        Assert.Equal((7L, "a"), (second.ListScheduled.AfterDeliverAtMs, second.ListScheduled.AfterScheduleId));
        await server.ReplyAsync(second, new Frame { ScheduledList = new ScheduledList { Items = { new ScheduledMessage { ScheduleId = "b", DeliverAtMs = 7 } } } });

        Assert.Equal(["a", "b"], (await listing.WaitAsync(ct)).Select(m => m.ScheduleId));
    }

    private static ChatMessage Message(ulong seq, int textLength = 3) => new()
    {
        Id = $"m{seq}",
        From = 10_000_002,
        To = 10_000_001,
        Seq = seq,
        Text = new string('t', textLength),
        SentAtMs = 1,
    };
}
