using ImCells.Protos.Client;
using ImCells.Registry.Groups;
using ImCells.Unit.Tests.Hlr;
using EventKind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Unit.Tests.Groups;

/// <summary>A member cell's side: applying entries from a group's home cell, read state, unread and mentions, on every provider.</summary>
public sealed class MemberGroupStoreTests
{
    private const ulong Group = 91_000_000;

    private static GroupEntry Event(ulong seq, ulong from, EventKind kind, params ulong[] members)
    {
        var e = new GroupEvent { Kind = kind, Name = kind == EventKind.Created ? "team" : "" };
        e.Members.AddRange(members);
        return new GroupEntry { Group = Group, Seq = seq, Id = $"g{seq}", From = from, SentAtMs = (long)seq, Event = e };
    }

    private static GroupEntry Message(ulong seq, ulong from, string text, params ulong[] mentions)
    {
        var entry = new GroupEntry { Group = Group, Seq = seq, Id = $"g{seq}", From = from, Text = text, SentAtMs = (long)seq };
        entry.Mentions.AddRange(mentions);
        return entry;
    }

    [Theory]
    [HlrProviders]
    public async Task Apply_KeepsMembersAndHeads_SkipsWhatItHas_CountsUnreadAndMentions(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var alice = await hlr.AddUserAsync("alice");
        var bob = await hlr.AddUserAsync("bob");
        const ulong stranger = 11_000_005;
        var store = new MemberGroupStore(hlr.Database);
        var summaries = new Dictionary<ulong, (string, int)> { [Group] = ("team", 3) };
        bool Local(ulong user) => user == alice || user == bob;

        var first = await store.ApplyAsync(
            [Event(1, stranger, EventKind.Created, stranger, alice), Message(2, stranger, "hi @alice"), Message(3, alice, "hello"), Message(4, stranger, "ping", alice)],
            summaries, Local, null, CancellationToken.None);
        Assert.Equal(4, first.Entries.Count);
        Assert.Equal([alice], await store.LocalMembersAsync(Group, CancellationToken.None));

        // alice sent seq 3, so she has read up to it; seq 4 mentions her.
        var (groups, more) = await store.ListAsync(alice, 0, 10, CancellationToken.None);
        var mine = Assert.Single(groups);
        Assert.False(more);
        Assert.Equal(("team", 4UL, 3UL, 1UL, 1UL), (mine.Name, mine.HeadSeq, mine.ReadSeq, mine.Unread, mine.Mentions));
        Assert.Equal(4UL, mine.LastEntry!.Seq);

        // A resent batch changes nothing; the next one goes on from the head.
        var again = await store.ApplyAsync([Message(3, alice, "hello"), Message(4, stranger, "ping", alice), Event(5, stranger, EventKind.Added, bob)],
            summaries, Local, null, CancellationToken.None);
        Assert.Equal([5UL], again.Entries.Select(e => e.Seq));
        Assert.Equal(5UL, again.Heads[Group]);
        var bobs = Assert.Single((await store.ListAsync(bob, 0, 10, CancellationToken.None)).Groups);
        Assert.Equal((5UL, 1UL), (bobs.JoinSeq, bobs.Unread));

        var read = await store.MarkReadAsync(alice, Group, 5, CancellationToken.None);
        Assert.Equal((5UL, 0UL, 0UL), (read!.ReadSeq, read.Unread, read.Mentions));
        Assert.Equal(ErrorCode.BadRequest, (await Assert.ThrowsAsync<GroupRefusedException>(() => store.MarkReadAsync(alice, Group, 6, CancellationToken.None))).Code);
        Assert.Null(await store.MarkReadAsync(alice, Group + 1, 1, CancellationToken.None));

        // bob is removed at 7: he sees up to there, nothing after, and is not a member any more.
        await store.ApplyAsync([Message(6, stranger, "six"), Event(7, stranger, EventKind.Removed, bob), Message(8, stranger, "eight")],
            summaries, Local, null, CancellationToken.None);
        bobs = Assert.Single((await store.ListAsync(bob, 0, 10, CancellationToken.None)).Groups);
        Assert.Equal((GroupRole.None, 7UL, 7UL, 3UL), (bobs.Role, bobs.LeftSeq, bobs.VisibleHead, bobs.Unread));
        Assert.Null(bobs.LastEntry);
        Assert.Equal([bob], await store.LeftAtAsync(Group, 7, CancellationToken.None));
        Assert.Equal([alice], await store.LocalMembersAsync(Group, CancellationToken.None));
        Assert.Equal(3UL, await store.UnreadAsync(alice, CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task Admission_FindsTheMissing_TheBlocking_AndGroupCounts(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var alice = await hlr.AddUserAsync("alice");
        var bob = await hlr.AddUserAsync("bob");
        var social = new ImCells.Registry.Hlr.SocialStore(hlr.Database);
        await social.SetBlockedAsync(bob, alice, true, 1, CancellationToken.None);
        var store = new MemberGroupStore(hlr.Database);
        await store.ApplyAsync([Event(1, alice, EventKind.Created, alice)], new Dictionary<ulong, (string, int)>(), u => u == alice || u == bob, null, CancellationToken.None);

        var (existing, blocking, counts) = await store.AdmissionAsync(alice, [alice, bob, 10_999_999], CancellationToken.None);
        Assert.Equal([alice, bob], existing.Order());
        Assert.Equal([bob], blocking);
        Assert.Equal(1, counts[alice]);
        Assert.False(counts.ContainsKey(bob));
    }
}
