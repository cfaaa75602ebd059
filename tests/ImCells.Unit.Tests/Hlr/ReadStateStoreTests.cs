using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

public sealed class ReadStateStoreTests
{
    private static RoutedMessage Message(ulong from, ulong to, string text) =>
        new(Guid.NewGuid().ToString("N"), from, to, text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Theory]
    [HlrProviders]
    public async Task MarkRead_CountsOnlyThePeersLaterMessages_AndNeverMovesBack(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var alice = await hlr.AddUserAsync("alice");
        var bob = await hlr.AddUserAsync("bob");
        var carol = await hlr.AddUserAsync("carol");
        var store = new ReadStateStore(hlr.Database);
        var fromAlice = new List<SendResult>();
        for (var i = 0; i < 3; i++)
        {
            fromAlice.Add(await hlr.Mailboxes.SendLocalAsync(Message(alice, bob, $"a{i}"), $"a{i}", null, CancellationToken.None));
        }

        await hlr.Mailboxes.SendLocalAsync(Message(bob, alice, "reply"), "r", null, CancellationToken.None);
        await hlr.Mailboxes.SendLocalAsync(Message(carol, bob, "c"), "c", null, CancellationToken.None);

        // bob's mailbox: 1..3 from alice, 4 his reply, 5 from carol.
        var read = await store.MarkReadAsync(bob, alice, 2, CancellationToken.None);
        Assert.Equal(2UL, read!.ReadSeq);
        Assert.Equal(1UL, read.Unread);
        Assert.Equal(2UL, read.TotalUnread);
        Assert.Equal(fromAlice[1].MessageId, read.ReceiptMessageId);

        var back = await store.MarkReadAsync(bob, alice, 1, CancellationToken.None);
        Assert.Equal(2UL, back!.ReadSeq);

        var (conversations, total) = await store.ConversationsAsync(bob, 10, CancellationToken.None);
        Assert.Equal([carol, alice], conversations.Select(c => c.Peer));
        Assert.Equal("reply", conversations[1].LastMessage.Text);
        Assert.Equal(2UL, total);
        Assert.Null(await store.MarkReadAsync(bob, 10_999_999, 1, CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task History_PagesNewestFirst_WithoutOverlap(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var alice = await hlr.AddUserAsync("alice");
        var bob = await hlr.AddUserAsync("bob");
        var store = new ReadStateStore(hlr.Database);
        for (var i = 0; i < 7; i++)
        {
            await hlr.Mailboxes.SendLocalAsync(Message(i % 2 == 0 ? alice : bob, i % 2 == 0 ? bob : alice, $"m{i}"), $"m{i}", null, CancellationToken.None);
        }

        var first = await store.HistoryAsync(bob, alice, 0, 3, CancellationToken.None);
        var second = await store.HistoryAsync(bob, alice, first.Entries[^1].Seq, 3, CancellationToken.None);
        var third = await store.HistoryAsync(bob, alice, second.Entries[^1].Seq, 3, CancellationToken.None);

        Assert.Equal(["m6", "m5", "m4"], first.Entries.Select(e => e.Text));
        Assert.True(first.HasMore);
        Assert.Equal(["m3", "m2", "m1"], second.Entries.Select(e => e.Text));
        Assert.Equal(["m0"], third.Entries.Select(e => e.Text));
        Assert.False(third.HasMore);
    }

    [Theory]
    [HlrProviders]
    public async Task ScheduledEntries_AreIdempotentByClientId_AndCancellable(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new ScheduledStore(hlr.Database);
        var first = await store.AddAsync(new ScheduledEntry("s1", 1, 2, "later", "c1", 1000), CancellationToken.None);
        var again = await store.AddAsync(new ScheduledEntry("s2", 1, 2, "later", "c1", 1000), CancellationToken.None);
        await store.AddAsync(new ScheduledEntry("s3", 1, 2, "cancel me", "c3", 500), CancellationToken.None);

        Assert.Equal("s1", again.Id);
        Assert.True(await store.CancelAsync(1, "s3", CancellationToken.None));
        Assert.False(await store.CancelAsync(1, "s3", CancellationToken.None));
        Assert.Equal(["s1"], (await store.DueAsync(2000, 10, CancellationToken.None)).Select(e => e.Id));
        Assert.Empty(await store.DueAsync(999, 10, CancellationToken.None));

        await store.MarkFiredAsync(first.Id, CancellationToken.None);
        Assert.Empty(await store.PendingOfAsync(1, CancellationToken.None));
        Assert.Null(await store.NextDueAsync(CancellationToken.None));
    }
}
