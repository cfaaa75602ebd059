using ImCells.Cell;
using ImCells.Cell.Social;
using ImCells.Protos;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using ImCells.Unit.Tests.Hlr;
using Microsoft.Extensions.Logging.Abstractions;
using Section = ImCells.Protos.Client.FriendListRequest.Types.Section;

namespace ImCells.Unit.Tests.Social;

/// <summary>
/// The friend list comes in pages cut by count and by bytes, each section by user number, each page
/// saying where the next starts: a list of any length is read whole, once, in one-frame pages.
/// </summary>
public sealed class FriendListPagingTests
{
    [Theory]
    [HlrProviders]
    public async Task LongListWithLargeRequests_IsReadWholeInOneFramePages(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var me = await hlr.AddUserAsync("me");
        var store = new SocialStore(hlr.Database);
        // Requests as large as another cell might hand over: cut by bytes long before 500 of them.
        var incoming = Enumerable.Range(0, 600).Select(i => 20_000_000UL + (ulong)(i * 7 % 600)).ToList();
        foreach (var other in incoming)
        {
            await store.AddRequestAsync(me, other, FriendDirection.Incoming, new string('n', 2048), new string('m', 4096), 1, CancellationToken.None);
        }

        var outgoing = new List<ulong> { 30_000_003, 30_000_001, 30_000_002 };
        foreach (var other in outgoing)
        {
            await store.AddRequestAsync(me, other, FriendDirection.Outgoing, "", "hi", 1, CancellationToken.None);
        }

        var blocked = Enumerable.Range(1, 1200).Select(i => 40_000_000UL + (ulong)i).ToList();
        foreach (var other in blocked)
        {
            await store.SetBlockedAsync(me, other, true, 1, CancellationToken.None);
        }

        var service = StoreOnlySocialService.Create(store);
        var all = new FriendList();
        var request = new FriendListRequest();
        var pages = 0;
        while (true)
        {
            var page = await service.ListAsync(me, request, CancellationToken.None);
            pages++;
            Assert.InRange(new Frame { Seq = 1, FriendListResult = page }.CalculateSize(), 1, FrameCodec.MaxServerFrameBytes);
            Assert.InRange(page.Incoming.Count + page.Outgoing.Count + page.Blocked.Count, 1, SocialService.FriendListPageItems);
            all.Incoming.Add(page.Incoming);
            all.Outgoing.Add(page.Outgoing);
            all.Blocked.Add(page.Blocked);
            if (!page.HasMore)
            {
                break;
            }

            request = new FriendListRequest { FromSection = page.NextSection, AfterUser = page.NextAfterUser };
            Assert.True(pages < 100, "the list did not end");
        }

        Assert.Empty(all.Friends);
        Assert.Equal(incoming.Order(), all.Incoming.Select(r => r.User));
        Assert.Equal(outgoing.Order(), all.Outgoing.Select(r => r.User));
        Assert.Equal(blocked, all.Blocked);
        // 600 requests of 6 KiB fill four pages by bytes; the 1 203 small entries after them go 500 a page.
        Assert.InRange(pages, 5, 8);
    }

    [Theory]
    [HlrProviders]
    public async Task UnknownSection_IsABadRequest(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var service = StoreOnlySocialService.Create(new SocialStore(hlr.Database));

        var refused = await Assert.ThrowsAsync<ImCells.Cell.Chat.ChatRequestException>(() =>
            service.ListAsync(10_000_000, new FriendListRequest { FromSection = (Section)9 }, CancellationToken.None));
        Assert.Equal(ErrorCode.BadRequest, refused.Code);
    }
}
