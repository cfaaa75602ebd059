using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Protos;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>
/// A mailbox full of maximum-size messages read to the end through the stores' paging and the
/// response byte cut, as the front door does it, against a real SQLite HLR: every page is one frame
/// a client accepts, holds at least one message, and says whether more follow.
/// </summary>
public sealed class ResponsePagingTests
{
    private const int Messages = 300;
    private const int MaxTextBytes = 16 * 1024;

    [Theory]
    [HlrProviders]
    public async Task SyncOfMaximumSizeMessages_IsCutByBytes_AndReadsToTheEnd(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var (stranger, victim) = (await hlr.AddUserAsync("stranger"), await hlr.AddUserAsync("victim"));
        var sent = await FillAsync(hlr, stranger, victim);

        var read = new List<ChatMessage>();
        var pages = 0;
        ulong from = 0;
        while (true)
        {
            var result = new SyncResult();
            var page = new ResponsePage();
            (result.HeadSeq, result.HasMore) = await hlr.Mailboxes.SyncAsync(victim, from, 500,
                entry => page.TryAdd(result.Messages, Notifier.ToProto(entry)), CancellationToken.None);
            pages++;
            AssertOneFrame(new Frame { Seq = 1, SyncResult = result });
            Assert.NotEmpty(result.Messages);
            Assert.Equal((ulong)Messages, result.HeadSeq);
            read.AddRange(result.Messages);
            if (!result.HasMore)
            {
                break;
            }

            from = result.Messages[^1].Seq;
        }

        Assert.Equal(sent, read.Select(m => m.Text));
        Assert.Equal(Enumerable.Range(1, Messages).Select(i => (ulong)i), read.Select(m => m.Seq));
        // 300 × 16 KiB is about 4.8 MiB: five or six pages of at most 960 KiB each.
        Assert.InRange(pages, 5, 7);
    }

    [Theory]
    [HlrProviders]
    public async Task HistoryOfMaximumSizeMessages_IsCutByBytes_AndReadsToTheStart(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var (stranger, victim) = (await hlr.AddUserAsync("stranger"), await hlr.AddUserAsync("victim"));
        var sent = await FillAsync(hlr, stranger, victim);
        var store = new ReadStateStore(hlr.Database);

        var read = new List<ChatMessage>();
        ulong before = 0;
        while (true)
        {
            var result = new HistoryResult();
            var page = new ResponsePage();
            result.HasMore = await store.HistoryAsync(victim, stranger, before, 500,
                entry => page.TryAdd(result.Messages, Notifier.ToProto(entry)), CancellationToken.None);
            AssertOneFrame(new Frame { Seq = 1, HistoryResult = result });
            Assert.NotEmpty(result.Messages);
            read.AddRange(result.Messages);
            if (!result.HasMore)
            {
                break;
            }

            before = result.Messages[^1].Seq;
        }

        Assert.Equal(sent.AsEnumerable().Reverse(), read.Select(m => m.Text));
    }

    [Theory]
    [HlrProviders]
    public async Task ConversationsPage_StopsAtTheFirstRefused_AndGoesOnBeforeItsSeq(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var victim = await hlr.AddUserAsync("victim");
        var peers = new List<ulong>();
        for (var i = 0; i < 5; i++)
        {
            var peer = await hlr.AddUserAsync($"p{i}");
            peers.Add(peer);
            await hlr.Mailboxes.SendLocalAsync(Message(peer, victim, Text(i)), $"c{i}", null, CancellationToken.None);
        }

        var store = new ReadStateStore(hlr.Database);
        var listed = new List<ulong>();
        ulong before = 0;
        var pages = 0;
        while (true)
        {
            // Two conversations of 16 KiB per page.
            var page = new List<ConversationEntry>();
            var (total, hasMore) = await store.ConversationsAsync(victim, before, 50, c =>
            {
                if (page.Count == 2)
                {
                    return false;
                }

                page.Add(c);
                return true;
            }, CancellationToken.None);
            pages++;
            Assert.Equal(5UL, total);
            listed.AddRange(page.Select(c => c.Peer));
            if (!hasMore)
            {
                break;
            }

            before = page[^1].LastMessage.Seq;
        }

        Assert.Equal(3, pages);
        Assert.Equal(peers.AsEnumerable().Reverse(), listed);
    }

    [Theory]
    [HlrProviders]
    public async Task ScheduledList_GoesOnAfterTheLastItem_EvenAmongEqualDeliverTimes(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var (me, to) = (await hlr.AddUserAsync("me"), await hlr.AddUserAsync("to"));
        var store = new ScheduledStore(hlr.Database);
        var added = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            // Ten share each deliver time: the schedule id orders them.
            var entry = await store.AddAsync(new ScheduledEntry($"s{i:D2}", me, to, Text(i), $"c{i}", 4_000_000_000_000 + i / 10), CancellationToken.None);
            added.Add(entry.Id);
        }

        var listed = new List<ScheduledMessage>();
        var request = new ListScheduledRequest();
        var pages = 0;
        while (true)
        {
            var list = new ScheduledList();
            var page = new ResponsePage(maxBytes: 4 * MaxTextBytes); // three of 16 KiB each
            list.HasMore = await store.PendingOfAsync(me, request.AfterDeliverAtMs, request.AfterScheduleId, 500, e => page.TryAdd(list.Items, new ScheduledMessage
            {
                ScheduleId = e.Id,
                Text = e.Text,
                DeliverAtMs = e.DeliverAtMs,
            }), CancellationToken.None);
            pages++;
            Assert.InRange(list.Items.Count, 1, 3);
            listed.AddRange(list.Items);
            if (!list.HasMore)
            {
                break;
            }

            request = new ListScheduledRequest { AfterDeliverAtMs = list.Items[^1].DeliverAtMs, AfterScheduleId = list.Items[^1].ScheduleId };
        }

        Assert.Equal(added, listed.Select(m => m.ScheduleId));
        Assert.Equal(10, pages);
    }

    private static void AssertOneFrame(Frame frame) =>
        Assert.InRange(frame.CalculateSize(), 1, FrameCodec.MaxServerFrameBytes);

    /// <summary>300 messages of exactly 16 KiB, mixed 1- to 4-byte characters, each starting with its number.</summary>
    private static async Task<List<string>> FillAsync(TempHlr hlr, ulong from, ulong to)
    {
        var texts = new List<string>();
        for (var i = 0; i < Messages; i++)
        {
            texts.Add(Text(i));
            await hlr.Mailboxes.SendLocalAsync(Message(from, to, texts[^1]), $"b{i}", null, CancellationToken.None);
        }

        return texts;
    }

    private static string Text(int i)
    {
        var text = $"{i:D3} " + string.Concat(Enumerable.Repeat("aé€\U0001F600", MaxTextBytes / 10));
        return text + new string('z', MaxTextBytes - System.Text.Encoding.UTF8.GetByteCount(text));
    }

    private static RoutedMessage Message(ulong from, ulong to, string text) =>
        new(Guid.NewGuid().ToString("N"), from, to, text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
}
