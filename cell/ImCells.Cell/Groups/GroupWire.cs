using ImCells.Protos.Client;
using ImCells.Registry.Groups;

namespace ImCells.Cell.Groups;

/// <summary>Records as the client protocol carries them.</summary>
internal static class GroupWire
{
    public static GroupInfo Info(GroupRecord group, string homeCell, ulong headSeq, GroupRole myRole) => new()
    {
        Group = group.Id,
        Name = group.Name,
        HomeCell = homeCell,
        Owner = group.Owner,
        MemberCount = (uint)group.MemberCount,
        HeadSeq = headSeq,
        Open = group.Joinable,
        HistoryVisible = group.HistoryVisible,
        Dissolved = group.Dissolved,
        MyRole = myRole,
    };

    public static GroupConversation Conversation(MemberGroupRecord g) => new()
    {
        Group = g.Group,
        Name = g.Name,
        Role = g.LeftSeq is null ? g.Role : GroupRole.None,
        HeadSeq = g.VisibleHead,
        ReadSeq = g.ReadSeq,
        Unread = g.Unread,
        Mentions = g.Mentions,
        LastEntry = g.LastEntry,
        JoinSeq = g.JoinSeq,
        LeftSeq = g.LeftSeq ?? 0,
    };
}
