namespace ImCells.Registry.Hlr;

/// <summary>A user's profile as the HLR keeps it.</summary>
public sealed record ProfileRecord(
    ulong UserId,
    string Name,
    string Nickname,
    string AvatarUrl,
    string StatusText,
    IReadOnlyDictionary<string, string> Details,
    long UpdatedAtMs,
    bool OnlyFriends);

public sealed record FriendRecord(ulong Friend, string Nickname, long SinceMs);

public sealed record FriendRequestRecord(ulong Other, string Nickname, string Message, long CreatedAtMs);

public static class FriendDirection
{
    public const string Incoming = "in";
    public const string Outgoing = "out";
}

/// <summary>The sizes of one user's social lists, for the per-user caps.</summary>
public sealed record SocialCounts(long Friends, long Incoming, long Outgoing, long Blocked);
