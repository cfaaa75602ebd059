using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// The client's ordering promise against a scripted server: a NewMessage whose seq skips ahead is
/// not surfaced until a Sync from the last surfaced seq has filled the gap, on the same connection.
/// </summary>
public sealed class GapFillTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task NotifySkipsSeq_ClientSyncsFromLastSeqAndSurfacesInOrder()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start();
        await using var client = await server.ConnectClientAsync(ct);

        // Seq 2 is never pushed: its notify was lost on the way.
        await server.PushAsync(New(1));
        await server.PushAsync(New(3));

        var sync = await server.NextRequestAsync(ct);
        Assert.Equal(Frame.BodyOneofCase.Sync, sync.BodyCase);
        Assert.Equal(1UL, sync.Sync.FromSeq);

        // Until the gap is filled, seq 1 is all there is: 3 is held back.
        Assert.Equal(1UL, (await client.Messages.ReadAsync(ct)).Seq);
        Assert.False(client.Messages.TryRead(out var early), $"seq {early?.Seq} surfaced before the Sync answer");

        await server.ReplyAsync(sync, new Frame { SyncResult = new SyncResult { Messages = { Message(2), Message(3) }, HeadSeq = 3 } });

        Assert.Equal([2UL, 3UL], await SeqsAsync(client, 2, ct));
        Assert.Equal(3UL, client.LastSeq);
        Assert.Equal(0, client.Reconnects);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task NotifiesAlreadySyncedArriveLate_SurfacedOnceNoSecondSync()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start();
        await using var client = await server.ConnectClientAsync(ct);

        await server.PushAsync(New(2));
        var sync = await server.NextRequestAsync(ct);
        Assert.Equal(0UL, sync.Sync.FromSeq);
        await server.ReplyAsync(sync, new Frame { SyncResult = new SyncResult { Messages = { Message(1), Message(2) }, HeadSeq = 2 } });

        // The notify of seq 1 comes after the sync brought it, and seq 2's again: both dropped.
        await server.PushAsync(New(1));
        await server.PushAsync(New(2));
        await server.PushAsync(New(3));

        Assert.Equal([1UL, 2UL, 3UL], await SeqsAsync(client, 3, ct));
        Assert.False(client.Messages.TryRead(out var extra), $"seq {extra?.Seq} surfaced twice");
        Assert.Empty(server.PendingRequests());
    }

    [Fact]
    public async Task ResumeBehindHead_SyncsOnAuthBeforeAnyNotify()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start(headSeq: 2);
        await using var client = await server.ConnectClientAsync(ct);

        var sync = await server.NextRequestAsync(ct);
        Assert.Equal(0UL, sync.Sync.FromSeq);
        await server.PushAsync(New(3));
        await server.ReplyAsync(sync, new Frame { SyncResult = new SyncResult { Messages = { Message(1), Message(2) }, HeadSeq = 2 } });
        await client.WaitCaughtUpAsync(ct);

        Assert.Equal([1UL, 2UL, 3UL], await SeqsAsync(client, 3, ct));
    }

    /// <summary>The seqs of the next <paramref name="count"/> surfaced messages.</summary>
    private static async Task<List<ulong>> SeqsAsync(ImClient client, int count, CancellationToken ct)
    {
        var seqs = new List<ulong>();
        while (seqs.Count < count)
        {
            seqs.Add((await client.Messages.ReadAsync(ct)).Seq);
        }

        return seqs;
    }

    private static ChatMessage Message(ulong seq) => new()
    {
        Id = $"m{seq}",
        From = 10_000_002,
        To = 10_000_001,
        Seq = seq,
        Text = $"text {seq}",
    };

    private static Frame New(ulong seq) => new() { NewMessage = new NewMessage { Message = Message(seq) } };
}
