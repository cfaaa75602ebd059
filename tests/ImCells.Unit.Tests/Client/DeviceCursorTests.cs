using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// <see cref="ImClientOptions.ResumeFromDeviceCursor"/>: a client that keeps no state asks the server
/// for the seq its device last acked and surfaces only what came after it.
/// </summary>
public sealed class DeviceCursorTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task CursorBehindHead_SyncsFromCursorAndSurfacesOnlyWhatCameAfter()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start(headSeq: 5);
        await using var client = await server.ConnectClientAsync(ct, resumeFromDeviceCursor: true);

        var ask = await server.NextRequestAsync(ct);
        Assert.Equal(Frame.BodyOneofCase.DeviceCursor, ask.BodyCase);
        await server.ReplyAsync(ask, new Frame { DeviceCursorResult = new DeviceCursor { AckedSeq = 3 } });

        var sync = await server.NextRequestAsync(ct);
        Assert.Equal((Frame.BodyOneofCase.Sync, 3UL), (sync.BodyCase, sync.Sync.FromSeq));
        await server.ReplyAsync(sync, new Frame { SyncResult = new SyncResult { Messages = { Message(4), Message(5) }, HeadSeq = 5 } });
        await client.WaitCaughtUpAsync(ct);

        Assert.Equal(4UL, (await client.Messages.ReadAsync(ct)).Seq);
        Assert.Equal(5UL, (await client.Messages.ReadAsync(ct)).Seq);
        Assert.Equal(5UL, client.LastSeq);
    }

    [Fact]
    public async Task CursorAtHead_CaughtUpWithoutSync()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start(headSeq: 5);
        await using var client = await server.ConnectClientAsync(ct, resumeFromDeviceCursor: true);

        var ask = await server.NextRequestAsync(ct);
        await server.ReplyAsync(ask, new Frame { DeviceCursorResult = new DeviceCursor { AckedSeq = 5 } });
        await client.WaitCaughtUpAsync(ct);

        Assert.Equal(5UL, client.LastSeq);
        Assert.False(client.Messages.TryRead(out var early), $"seq {early?.Seq} surfaced though the device had acked it");
        Assert.Empty(server.PendingRequests());
    }

    private static ChatMessage Message(ulong seq) => new() { Id = $"m{seq}", From = 10_000_002, To = 10_000_001, Seq = seq, Text = $"text {seq}" };
}
