using ImCells.Protos.Client;
using ImCells.Registry.Groups;
using ImCells.Unit.Tests.Hlr;
using Kind = ImCells.Protos.Client.GroupMembersChangeRequest.Types.Kind;
using EventKind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Unit.Tests.Groups;

/// <summary>The group's home cell side: numbers, membership rules, the timeline and the fan-out cursors, on every provider.</summary>
public sealed class GroupStoreTests
{
    private static readonly IReadOnlyList<(ulong, ulong)> Range = [(90_000_000, 90_000_002)];
    private static readonly HomedUser Alice = new(10_000_001, "a");
    private static readonly HomedUser Bob = new(11_000_001, "b");
    private static readonly HomedUser Carol = new(12_000_001, "c");
    private static readonly HomedUser Dave = new(11_000_002, "b");
    private static long _ids;

    private static string Id() => $"e{Interlocked.Increment(ref _ids)}";

    private static Task<GroupChange> CreateAsync(GroupStore store, params HomedUser[] members) =>
        store.CreateAsync(Range, Alice, members, "friends", false, false, null, Id(), 1, CancellationToken.None);

    private static Task<GroupChange> ChangeAsync(GroupStore store, ulong group, HomedUser actor, Kind kind, GroupRole role = GroupRole.None, params HomedUser[] targets) =>
        store.ChangeMembersAsync(group, actor, kind, targets, role, 10, Id(), 2, CancellationToken.None);

    private static async Task<List<GroupEntry>> ReadAsync(GroupTimeline timeline, ulong group, ulong after = 0, ulong upTo = ulong.MaxValue)
    {
        var entries = new List<GroupEntry>();
        await timeline.ReadForwardAsync(group, after, upTo, 1000, e =>
        {
            entries.Add(e);
            return true;
        }, CancellationToken.None);
        return entries;
    }

    [Theory]
    [HlrProviders]
    public async Task Create_NumbersFromTheRange_OwnerAndMembers_OneEvent_AndARetryReturnsTheFirst(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new GroupStore(hlr.Database);
        var timeline = new GroupTimeline(hlr.Database);

        var first = await store.CreateAsync(Range, Alice, [Bob, Carol, Bob], "friends", true, false, "req-1", Id(), 1, CancellationToken.None);
        var again = await store.CreateAsync(Range, Alice, [Bob], "other", false, false, "req-1", Id(), 1, CancellationToken.None);
        var second = await CreateAsync(store, Bob);

        Assert.Equal(90_000_000UL, first.Group.Id);
        Assert.Equal(3, first.Group.MemberCount);
        Assert.True(first.Group.Joinable);
        Assert.Equal(1UL, first.Entry.Seq);
        Assert.Equal(EventKind.Created, first.Entry.Event.Kind);
        Assert.Equal([Alice.User, Bob.User, Carol.User], first.Entry.Event.Members);
        Assert.True(again.Duplicate);
        Assert.Equal(first.Group.Id, again.Group.Id);
        Assert.Equal(90_000_001UL, second.Group.Id);
        Assert.Equal(GroupRole.Owner, (await store.MemberAsync(first.Group.Id, Alice.User, CancellationToken.None))!.Role);
        Assert.Single(await ReadAsync(timeline, first.Group.Id));

        await CreateAsync(store);
        var full = await Assert.ThrowsAsync<GroupRefusedException>(() => CreateAsync(store));
        Assert.Equal(ErrorCode.LimitReached, full.Code);
    }

    [Theory]
    [HlrProviders]
    public async Task Messages_DenseSeqs_OneRowEach_IdempotentByClientId_MembersOnly(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new GroupStore(hlr.Database);
        var timeline = new GroupTimeline(hlr.Database);
        var group = (await CreateAsync(store, Bob)).Group.Id;

        var one = await timeline.AppendMessageAsync(group, Bob.User, "hi @10000001", [Alice.User], "c1", Id(), 3, null, CancellationToken.None);
        var rows = await timeline.RowCountAsync(CancellationToken.None);
        var retry = await timeline.AppendMessageAsync(group, Bob.User, "hi @10000001", [Alice.User], "c1", Id(), 4, null, CancellationToken.None);
        var two = await timeline.AppendMessageAsync(group, Alice.User, "hello", [], "c1", Id(), 5, null, CancellationToken.None);
        var outsider = await Assert.ThrowsAsync<GroupRefusedException>(() =>
            timeline.AppendMessageAsync(group, Carol.User, "let me in", [], "x", Id(), 6, null, CancellationToken.None));
        var nowhere = await Assert.ThrowsAsync<GroupRefusedException>(() =>
            timeline.AppendMessageAsync(90_000_002, Bob.User, "?", [], "y", Id(), 6, null, CancellationToken.None));

        Assert.Equal(2UL, one.Entry.Seq);
        Assert.True(retry.Duplicate);
        Assert.Equal(one.Entry.Id, retry.Entry.Id);
        Assert.Equal(rows, await timeline.RowCountAsync(CancellationToken.None) - 1);
        Assert.Equal(3UL, two.Entry.Seq);
        Assert.Equal(ErrorCode.Forbidden, outsider.Code);
        Assert.Equal(ErrorCode.NotFound, nowhere.Code);
        var entries = await ReadAsync(timeline, group);
        Assert.Equal([1UL, 2UL, 3UL], entries.Select(e => e.Seq));
        Assert.Equal([Alice.User], entries[1].Mentions);
        Assert.Equal(3UL, (await store.GetAsync(group, CancellationToken.None))!.HeadSeq);
    }

    [Theory]
    [HlrProviders]
    public async Task Membership_RolesDecide_AndEveryChangeIsAnEvent(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new GroupStore(hlr.Database);
        var group = (await CreateAsync(store, Bob)).Group.Id;

        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<GroupRefusedException>(() => ChangeAsync(store, group, Bob, Kind.Add, targets: Carol))).Code);
        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<GroupRefusedException>(() => ChangeAsync(store, group, Carol, Kind.Join, targets: Carol))).Code);
        Assert.Equal(ErrorCode.Conflict, (await Assert.ThrowsAsync<GroupRefusedException>(() => ChangeAsync(store, group, Alice, Kind.Leave, targets: Alice))).Code);

        var admin = await ChangeAsync(store, group, Alice, Kind.SetRole, GroupRole.Admin, Bob);
        Assert.Equal(EventKind.Role, admin.Entry.Event.Kind);
        var added = await ChangeAsync(store, group, Bob, Kind.Add, targets: [Carol, Dave, Alice]);
        Assert.Equal([Carol.User, Dave.User], added.Entry.Event.Members);
        Assert.Equal(4, added.Group.MemberCount);
        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<GroupRefusedException>(() => ChangeAsync(store, group, Bob, Kind.Remove, targets: Alice))).Code);

        var removed = await ChangeAsync(store, group, Bob, Kind.Remove, targets: Carol);
        Assert.Equal(removed.Entry.Seq, (await store.MemberAsync(group, Carol.User, CancellationToken.None))!.LeftSeq);
        var left = await ChangeAsync(store, group, Dave, Kind.Leave, targets: Dave);
        Assert.Equal(2, left.Group.MemberCount);

        var handed = await ChangeAsync(store, group, Alice, Kind.SetRole, GroupRole.Owner, Bob);
        Assert.Equal(Bob.User, handed.Group.Owner);
        Assert.Equal(GroupRole.Admin, (await store.MemberAsync(group, Alice.User, CancellationToken.None))!.Role);

        var limit = await Assert.ThrowsAsync<GroupRefusedException>(() =>
            store.ChangeMembersAsync(group, Bob, Kind.Add, [Carol, Dave], GroupRole.None, 3, Id(), 2, CancellationToken.None));
        Assert.Equal(ErrorCode.LimitReached, limit.Code);

        var renamed = await store.SetAsync(group, Alice.User, "family", false, Id(), 3, CancellationToken.None);
        Assert.Equal("family", renamed.Group.Name);
        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<GroupRefusedException>(() => store.SetAsync(group, Alice.User, null, true, Id(), 3, CancellationToken.None))).Code);
        var dissolved = await store.SetAsync(group, Bob.User, null, true, Id(), 4, CancellationToken.None);
        Assert.True(dissolved.Group.Dissolved);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GroupRefusedException>(() => ChangeAsync(store, group, Bob, Kind.Add, targets: Carol))).Code);
        // Each change above that succeeded is one entry: created, role, added, removed, left, owner, renamed, dissolved.
        Assert.Equal(8UL, dissolved.Group.HeadSeq);
    }

    [Theory]
    [HlrProviders]
    public async Task FanoutCursors_FollowWhereMembersLive(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new GroupStore(hlr.Database);
        var cursors = new GroupFanoutStore(hlr.Database);
        var group = (await CreateAsync(store, Bob)).Group.Id;
        Assert.Equal(["a:0", "b:0"], await DescribeAsync(cursors, group));

        var added = await ChangeAsync(store, group, Alice, Kind.Add, targets: Carol);
        Assert.Equal(["a:0", "b:0", $"c:{added.Entry.Seq - 1}"], await DescribeAsync(cursors, group));

        var removed = await ChangeAsync(store, group, Alice, Kind.Remove, targets: Carol);
        var row = (await cursors.CursorsAsync(group, CancellationToken.None)).Single(c => c.Cell == "c");
        Assert.Equal(removed.Entry.Seq, row.UntilSeq);

        await cursors.AdvanceAsync("c", [(group, removed.Entry.Seq)], CancellationToken.None);
        await cursors.AdvanceAsync("b", [(group, 2)], CancellationToken.None);
        await cursors.AdvanceAsync("b", [(group, 1)], CancellationToken.None);
        Assert.Equal(["a:0", "b:2"], await DescribeAsync(cursors, group));
    }

    private static async Task<List<string>> DescribeAsync(GroupFanoutStore cursors, ulong group) =>
        (await cursors.CursorsAsync(group, CancellationToken.None)).Select(c => $"{c.Cell}:{c.DeliveredSeq}").Order().ToList();
}
