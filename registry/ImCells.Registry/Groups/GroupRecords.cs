using ImCells.Protos.Client;

namespace ImCells.Registry.Groups;

/// <summary>A group as its home cell holds it.</summary>
public sealed record GroupRecord(
    ulong Id, string Name, ulong Owner, ulong HeadSeq, int MemberCount, bool Joinable, bool HistoryVisible, bool Dissolved);

/// <summary>One member (or former member: <see cref="LeftSeq"/> set, role NONE) of a group at its home cell.</summary>
public sealed record MemberRecord(ulong User, GroupRole Role, ulong JoinSeq, ulong? LeftSeq)
{
    public bool IsMember => LeftSeq is null;
}

/// <summary>A user named in a membership change, with the cell the user is homed in.</summary>
public sealed record HomedUser(ulong User, string Cell);

/// <summary>How far a member cell has acknowledged a group's timeline; it gets nothing after <see cref="UntilSeq"/> when set.</summary>
public sealed record FanoutCursor(ulong Group, string Cell, ulong DeliveredSeq, ulong? UntilSeq);

/// <summary>What a membership change (or creation, rename, dissolve) wrote: the group after it and its timeline event.</summary>
public sealed record GroupChange(GroupRecord Group, GroupEntry Entry, bool Duplicate = false);

/// <summary>A refusal decided inside a group transaction (nothing was written); the cell sends it as an Error frame.</summary>
public sealed class GroupRefusedException(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;
}

/// <summary>One group in a member's list, as the member's home cell knows it.</summary>
public sealed record MemberGroupRecord(
    ulong Group, string Name, GroupRole Role, ulong HeadSeq, ulong JoinSeq, ulong? LeftSeq, ulong ReadSeq, ulong Mentions, GroupEntry? LastEntry)
{
    /// <summary>The newest seq the member may see: up to leaving, if it left.</summary>
    public ulong VisibleHead => LeftSeq is { } left ? Math.Min(left, HeadSeq) : HeadSeq;

    /// <summary>Entries after the read position (the join event counts: "you were added").</summary>
    public ulong Unread => VisibleHead > Math.Max(ReadSeq, JoinSeq - 1) ? VisibleHead - Math.Max(ReadSeq, JoinSeq - 1) : 0;
}
