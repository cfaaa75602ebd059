using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

public sealed class MailboxStoreTests
{
    private static RoutedMessage Message(ulong from, ulong to, string text) =>
        new(Guid.NewGuid().ToString("N"), from, to, text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Theory]
    [HlrProviders]
    public async Task ConcurrentSends_ToOneUser_GetDenseDistinctSeqs(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var bob = await hlr.AddUserAsync("bob");
        var senders = new List<ulong>();
        for (var i = 0; i < 8; i++)
        {
            senders.Add(await hlr.AddUserAsync($"s{i}"));
        }

        await Task.WhenAll(senders.Select(s => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await hlr.Mailboxes.SendLocalAsync(Message(s, bob, $"{s}:{i}"), $"c{i}", null, CancellationToken.None);
            }
        })));

        var (entries, head, hasMore) = await hlr.Mailboxes.SyncAsync(bob, 0, 1000, CancellationToken.None);
        Assert.Equal(400UL, head);
        Assert.False(hasMore);
        Assert.Equal(Enumerable.Range(1, 400).Select(i => (ulong)i), entries.Select(e => e.Seq));
        // Per-sender order is kept inside the recipient's mailbox.
        foreach (var s in senders)
        {
            var texts = entries.Where(e => e.From == s).Select(e => e.Text).ToList();
            Assert.Equal(Enumerable.Range(0, 50).Select(i => $"{s}:{i}"), texts);
        }
    }

    [Theory]
    [HlrProviders]
    public async Task SameClientMsgId_SentTwice_StoresOneMessage(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var alice = await hlr.AddUserAsync("alice");
        var bob = await hlr.AddUserAsync("bob");

        var first = await hlr.Mailboxes.SendLocalAsync(Message(alice, bob, "hi"), "same", null, CancellationToken.None);
        var second = await hlr.Mailboxes.SendLocalAsync(Message(alice, bob, "hi"), "same", null, CancellationToken.None);

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.SenderSeq, second.SenderSeq);
        Assert.Equal(1UL, await hlr.Mailboxes.HeadSeqAsync(bob, CancellationToken.None));
        Assert.Equal(1UL, await hlr.Mailboxes.HeadSeqAsync(alice, CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task SendToUnknownLocalUser_IsRefusedAndStoresNothing(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var alice = await hlr.AddUserAsync("alice");

        var result = await hlr.Mailboxes.SendLocalAsync(Message(alice, 10_555_555, "hi"), "x", null, CancellationToken.None);

        Assert.Equal(SendOutcome.UnknownRecipient, result.Outcome);
        Assert.Equal(0UL, await hlr.Mailboxes.HeadSeqAsync(alice, CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task RepeatedDeliverBatch_AppendsOnce_AndReturnsTheSameSeqs(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var bob = await hlr.AddUserAsync("bob");
        var batch = Enumerable.Range(0, 5).Select(i => Message(11_000_000, bob, $"m{i}")).ToList();

        var first = await hlr.Mailboxes.DeliverAsync(batch, null, CancellationToken.None);
        var again = await hlr.Mailboxes.DeliverAsync(batch, null, CancellationToken.None);

        Assert.Equal(first.Select(r => r.Seq), again.Select(r => r.Seq));
        Assert.All(again, r => Assert.Null(r.Appended));
        Assert.Equal(5UL, await hlr.Mailboxes.HeadSeqAsync(bob, CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task RemoteSend_WritesSenderMailboxAndOutbox_InOrder(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var alice = await hlr.AddUserAsync("alice");
        for (var i = 0; i < 3; i++)
        {
            await hlr.Mailboxes.SendRemoteAsync(Message(alice, 11_000_001, $"m{i}"), $"c{i}", "b", null, CancellationToken.None);
        }

        var rows = await hlr.Mailboxes.ReadOutboxAsync("b", 0, 10, CancellationToken.None);
        Assert.Equal(["m0", "m1", "m2"], rows.Select(r => r.Message.Text));
        Assert.Equal(3UL, await hlr.Mailboxes.HeadSeqAsync(alice, CancellationToken.None));

        await hlr.Mailboxes.RemoveFromOutboxAsync(rows.Select(r => r.Id).ToList(), CancellationToken.None);
        Assert.Equal(0, await hlr.Mailboxes.OutboxPendingAsync(CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task DeviceCursor_MovesForwardOnly(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var bob = await hlr.AddUserAsync("bob");

        await hlr.Mailboxes.AdvanceCursorAsync(bob, "phone", 5, CancellationToken.None);
        await hlr.Mailboxes.AdvanceCursorAsync(bob, "phone", 3, CancellationToken.None);

        Assert.Equal(5UL, await hlr.Mailboxes.CursorAsync(bob, "phone", CancellationToken.None));
        Assert.Null(await hlr.Mailboxes.CursorAsync(bob, "laptop", CancellationToken.None));
    }
}
