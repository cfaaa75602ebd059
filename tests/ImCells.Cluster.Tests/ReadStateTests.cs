using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>DESIGN.md §6: read cursors, unread counts, read receipts, history and the conversation list.</summary>
[Collection("cluster")]
public sealed class ReadStateTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task UnreadCounts_MatchAcrossDevices_AfterMarkReadOnOne()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((bob, d1), (_, d2), (alice, aliceClient)) = await users.ConnectAsync("bob@b/d1", "bob/d2", "alice@a");

            var acks = new List<SendAck>();
            for (var i = 1; i <= 3; i++)
            {
                acks.Add(await aliceClient.SendAsync(bob, $"unread {i}", ct: ct));
            }

            var onD1 = await Receive.ExactlyAsync(d1.Messages, alice, 3, Delivery, ct);
            await Receive.ExactlyAsync(d2.Messages, alice, 3, Delivery, ct);
            Assert.Equal(acks.Select(a => a.MessageId), onD1.Select(m => m.Id));

            var marked = await d1.MarkReadAsync(alice, onD1[1].Seq, ct);
            Assert.Equal(alice, marked.Peer);
            Assert.Equal(onD1[1].Seq, marked.ReadSeq);
            Assert.Equal(1UL, marked.Unread);
            Assert.Equal(1UL, marked.TotalUnread);

            var changed = await Wait.ForOneAsync(d2.ReadStates, s => s.Peer == alice, "ReadStateChanged for alice on d2", Delivery, ct);
            Assert.Equal(onD1[1].Seq, changed.ReadSeq);
            Assert.Equal(1UL, changed.Unread);
            Assert.Equal(1UL, changed.TotalUnread);

            var conversations = await d2.ConversationsAsync(ct: ct);
            var withAlice = Assert.Single(conversations.Conversations, c => c.Peer == alice);
            Assert.Equal(1UL, withAlice.Unread);
            Assert.Equal(onD1[1].Seq, withAlice.ReadSeq);
            Assert.Equal(acks[2].MessageId, withAlice.LastMessage?.Id);
            Assert.Equal(1UL, conversations.TotalUnread);

            // The receipt names alice's 2nd message as she knows it: its id and her mailbox's seq.
            var receipt = await Wait.ForOneAsync(aliceClient.ReadReceipts, r => r.Reader == bob, "ReadReceipt from bob", Delivery, ct);
            Assert.Equal(acks[1].MessageId, receipt.MessageId);
            Assert.Equal(acks[1].Seq, receipt.Seq);
            Assert.True(receipt.ReadAtMs > 0, $"read_at_ms is {receipt.ReadAtMs}");
            output.WriteLine($"receipt: {receipt}");

            // With receipts off, reading on still counts, but alice hears nothing.
            var settings = await d1.SetReadReceiptsAsync(false, ct);
            Assert.False(settings.ReadReceipts);
            var all = await d1.MarkReadAsync(alice, onD1[2].Seq, ct);
            Assert.Equal(onD1[2].Seq, all.ReadSeq);
            Assert.Equal(0UL, all.Unread);
            Assert.Equal(0UL, all.TotalUnread);
            var changedAgain = await Wait.ForOneAsync(d2.ReadStates, s => s.Peer == alice, "second ReadStateChanged on d2", Delivery, ct);
            Assert.Equal(0UL, changedAgain.Unread);
            Assert.Equal(0UL, changedAgain.TotalUnread);

            var (late, _) = await Wait.ForAsync(aliceClient.ReadReceipts, _ => true, TimeSpan.FromSeconds(3), ct);
            Assert.True(late is null, $"alice got a read receipt although bob switched them off: {late}");
        });
    }

    [Fact]
    public async Task History_PagesNewestFirst_Conversations_ListsLastMessage()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            const int count = 12;
            var carol = await users.RegisterAsync("carol@b");
            var ((alice, aliceClient), (bob, bobClient)) = await users.ConnectAsync("alice@a", "bob@b");

            // Another conversation of bob's, older than the one with alice: not part of its history.
            await using (var carolClient = await users.ConnectAsync(users.Options(carol)))
            {
                await carolClient.SendAsync(bob, "carol was here", ct: ct);
            }

            await Receive.ExactlyAsync(bobClient.Messages, carol, 1, Delivery, ct);

            // Back and forth, each one received before the answer, so both mailboxes share one order.
            var texts = new List<string>();
            for (var i = 0; i < count; i++)
            {
                var (from, fromId, to, toId) = i % 2 == 0 ? (aliceClient, alice, bobClient, bob) : (bobClient, bob, aliceClient, alice);
                var text = $"h{i} from {(i % 2 == 0 ? "alice" : "bob")}";
                var ack = await from.SendAsync(toId, text, ct: ct);
                var got = await Wait.ForOneAsync(to.Messages, m => m.Id == ack.MessageId, $"'{text}' at {toId}", Delivery, ct);
                Assert.Equal(fromId, got.From);
                texts.Add(text);
            }

            foreach (var (client, peer, who) in new[] { (bobClient, alice, "bob"), (aliceClient, bob, "alice") })
            {
                var pages = new List<HistoryResult>();
                ulong before = 0;
                for (var page = 0; page < 4; page++)
                {
                    var result = await client.HistoryAsync(peer, before, 5, ct);
                    pages.Add(result);
                    output.WriteLine($"{who} History(before {before}): {string.Join(", ", result.Messages.Select(m => $"#{m.Seq}"))} has_more={result.HasMore}");
                    if (!result.HasMore || result.Messages.Count == 0)
                    {
                        break;
                    }

                    before = result.Messages[^1].Seq;
                }

                Assert.Equal([5, 5, 2], pages.Select(p => p.Messages.Count));
                Assert.Equal([true, true, false], pages.Select(p => p.HasMore));
                var all = pages.SelectMany(p => p.Messages).ToList();
                Assert.Equal(Enumerable.Reverse(texts), all.Select(m => m.Text));
                for (var i = 1; i < all.Count; i++)
                {
                    Assert.True(all[i - 1].Seq > all[i].Seq, $"{who}'s history: seq {all[i - 1].Seq} before {all[i].Seq}");
                }
            }

            var conversations = await bobClient.ConversationsAsync(ct: ct);
            output.WriteLine($"bob's conversations: {conversations}");
            Assert.Equal([alice, carol], conversations.Conversations.Select(c => c.Peer));
            var withAlice = conversations.Conversations[0];
            Assert.Equal(texts[^1], withAlice.LastMessage?.Text);
            Assert.Equal(6UL, withAlice.Unread);
            Assert.Equal("carol was here", conversations.Conversations[1].LastMessage?.Text);
            Assert.Equal(1UL, conversations.Conversations[1].Unread);
            Assert.Equal(7UL, conversations.TotalUnread);

            var aliceConversations = await aliceClient.ConversationsAsync(ct: ct);
            var withBob = Assert.Single(aliceConversations.Conversations);
            Assert.Equal(bob, withBob.Peer);
            Assert.Equal(texts[^1], withBob.LastMessage?.Text);
            Assert.Equal(6UL, withBob.Unread);
        });
    }
}
