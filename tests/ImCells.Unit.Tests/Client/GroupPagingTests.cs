using ImCells.Protos.Client;
using Kind = ImCells.Protos.Client.GroupMembersChangeRequest.Types.Kind;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// Group lists and timelines followed to their ends with the cursors the contract names (sync from
/// the last seq, members after the last user, groups after the last group), and member lists longer
/// than the server takes at once sent in chunks of 1000.
/// </summary>
public sealed class GroupPagingTests : ConnectedClientTest
{
    private const ulong Group = 90_000_001;

    [Fact]
    public async Task Sync_AsksFromTheLastSeqOfEachPage()
    {
        var syncing = Client.GroupSyncAsync(Group, 4, Ct);
        var first = await Server.NextRequestAsync(Ct);
        Assert.Equal((Group, 4UL), (first.GroupSync.Group, first.GroupSync.FromSeq));
        await Server.ReplyAsync(first, Entries(9, true, 5, 6));
        var second = await Server.NextRequestAsync(Ct);
        Assert.Equal(6UL, second.GroupSync.FromSeq);
        await Server.ReplyAsync(second, Entries(9, false, 7, 9));

        var all = await syncing.WaitAsync(Ct);
        Assert.Equal([5UL, 6UL, 7UL, 9UL], all.Entries.Select(e => e.Seq));
        Assert.Equal((9UL, false), (all.HeadSeq, all.HasMore));
    }

    [Fact]
    public async Task History_IsOnePage_AsAsked()
    {
        var paging = Client.GroupHistoryAsync(Group, 8, 2, Ct);
        var request = await Server.NextRequestAsync(Ct);
        Assert.Equal((Group, 8UL, 2U), (request.GroupHistory.Group, request.GroupHistory.BeforeSeq, request.GroupHistory.Limit));
        await Server.ReplyAsync(request, Entries(9, true, 7, 6));

        Assert.Equal([7UL, 6UL], (await paging.WaitAsync(Ct)).Entries.Select(e => e.Seq));
        Assert.Empty(Server.PendingRequests());
    }

    [Fact]
    public async Task Members_AskAfterTheLastUserOfEachPage()
    {
        var listing = Client.GroupMembersAsync(Group, Ct);
        var first = await Server.NextRequestAsync(Ct);
        Assert.Equal(0UL, first.GroupMembers.AfterUser);
        await Server.ReplyAsync(first, Members(true, 11, 12));
        var second = await Server.NextRequestAsync(Ct);
        Assert.Equal(12UL, second.GroupMembers.AfterUser);
        await Server.ReplyAsync(second, Members(false, 13));

        Assert.Equal([11UL, 12UL, 13UL], (await listing.WaitAsync(Ct)).Select(m => m.User));
    }

    [Fact]
    public async Task GroupList_AsksAfterTheLastGroup_KeepsTheLastTotal()
    {
        var listing = Client.GroupListAsync(Ct);
        var first = await Server.NextRequestAsync(Ct);
        Assert.Equal(0UL, first.GroupList.AfterGroup);
        await Server.ReplyAsync(first, new Frame
        {
            GroupListResult = new GroupList { Groups = { Conversation(Group), Conversation(Group + 5) }, TotalUnread = 4, HasMore = true },
        });
        var second = await Server.NextRequestAsync(Ct);
        Assert.Equal(Group + 5, second.GroupList.AfterGroup);
        await Server.ReplyAsync(second, new Frame { GroupListResult = new GroupList { Groups = { Conversation(Group + 9) }, TotalUnread = 5 } });

        var list = await listing.WaitAsync(Ct);
        Assert.Equal([Group, Group + 5, Group + 9], list.Groups.Select(g => g.Group));
        Assert.Equal((5UL, false), (list.TotalUnread, list.HasMore));
    }

    [Fact]
    public async Task Add_SendsChunksOf1000()
    {
        var members = Enumerable.Range(0, 2500).Select(i => 11_000_000UL + (ulong)i).ToList();

        var adding = Client.AddGroupMembersAsync(Group, members, Ct);
        var sent = new List<GroupMembersChangeRequest>();
        for (var seq = 1UL; seq <= 3; seq++)
        {
            var request = await Server.NextRequestAsync(Ct);
            sent.Add(request.GroupMembersChange);
            await Server.ReplyAsync(request, new Frame { GroupInfo = new GroupInfo { Group = Group, HeadSeq = seq } });
        }

        Assert.Equal(3UL, (await adding.WaitAsync(Ct)).HeadSeq);
        Assert.Equal([1000, 1000, 500], sent.Select(r => r.Members.Count));
        Assert.All(sent, r => Assert.Equal((Group, Kind.Add), (r.Group, r.Kind)));
        Assert.Equal(members, sent.SelectMany(r => r.Members));
    }

    [Fact]
    public async Task Create_TakesTheFirst1000_AddsTheRest()
    {
        var members = Enumerable.Range(0, 1200).Select(i => 11_000_000UL + (ulong)i).ToList();

        var creating = Client.CreateGroupAsync("crowd", members, open: true, ct: Ct);
        var create = await Server.NextRequestAsync(Ct);
        Assert.Equal(("crowd", true, false, 1000), (create.GroupCreate.Name, create.GroupCreate.Open, create.GroupCreate.HistoryVisible, create.GroupCreate.Members.Count));
        Assert.NotEmpty(create.GroupCreate.ClientRequestId);
        await Server.ReplyAsync(create, new Frame { GroupInfo = new GroupInfo { Group = Group, HeadSeq = 1, MyRole = GroupRole.Owner } });
        var add = await Server.NextRequestAsync(Ct);
        Assert.Equal((Group, Kind.Add, 200), (add.GroupMembersChange.Group, add.GroupMembersChange.Kind, add.GroupMembersChange.Members.Count));
        await Server.ReplyAsync(add, new Frame { GroupInfo = new GroupInfo { Group = Group, HeadSeq = 2, MemberCount = 1201 } });

        var info = await creating.WaitAsync(Ct);
        Assert.Equal((Group, 2UL, 1201U), (info.Group, info.HeadSeq, info.MemberCount));
    }

    private static Frame Entries(ulong head, bool hasMore, params ulong[] seqs) => new()
    {
        GroupEntries = new GroupEntries
        {
            Group = Group,
            HeadSeq = head,
            HasMore = hasMore,
            Entries = { seqs.Select(seq => new GroupEntry { Group = Group, Seq = seq, From = 10_000_002, Text = $"t{seq}" }) },
        },
    };

    private static Frame Members(bool hasMore, params ulong[] users) => new()
    {
        GroupMemberList = new GroupMemberList { Group = Group, HasMore = hasMore, Members = { users.Select(u => new GroupMember { User = u, Role = GroupRole.Member }) } },
    };

    private static GroupConversation Conversation(ulong group) => new() { Group = group, Name = $"g{group}", Role = GroupRole.Member };
}
