using ImCells.Cell.Chat;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Social;

/// <summary>
/// How long one user's lists may grow: friends, pending requests each way, blocked users. Without a
/// cap a client in a loop (200 requests a second) could block every number or ask every number,
/// growing the HLR and the cell's friend cache without end, and a presence snapshot of every friend
/// must fit in one frame. Over a cap: CONFLICT, naming the cap and how to make room.
/// </summary>
internal static class SocialCaps
{
    public const int Friends = 5_000;
    public const int IncomingRequests = 1_000;
    public const int OutgoingRequests = 1_000;
    public const int Blocked = 10_000;

    /// <summary>The asker's own side of a new friend request.</summary>
    public static void CheckAsker(SocialCounts mine, bool alreadyAsked)
    {
        CheckAccepting(mine);
        Require(alreadyAsked || mine.Outgoing < OutgoingRequests,
            $"you have {OutgoingRequests} friend requests waiting for an answer, the most one user may have; withdraw one (friend remove) first");
    }

    /// <summary>The asked user's side of a new friend request; null when it may be added.</summary>
    public static FriendUpdateReply? CheckAsked(ulong user, SocialCounts theirs, bool alreadyAsked)
    {
        if (CheckAccepted(user, theirs) is { } full)
        {
            return full;
        }

        return alreadyAsked || theirs.Incoming < IncomingRequests
            ? null
            : Conflict($"user {user} has {IncomingRequests} friend requests waiting for an answer; try again later");
    }

    /// <summary>Room for one more friend on the user's own side (asking or accepting).</summary>
    public static void CheckAccepting(SocialCounts mine) =>
        Require(mine.Friends < Friends, $"you have {Friends} friends, the most one user may have; remove one first");

    /// <summary>Room for one more friend on the other user's side; null when there is.</summary>
    public static FriendUpdateReply? CheckAccepted(ulong user, SocialCounts theirs) =>
        theirs.Friends < Friends ? null : Conflict($"user {user} has {Friends} friends, the most one user may have");

    public static void CheckBlocking(SocialCounts mine) =>
        Require(mine.Blocked < Blocked, $"you have blocked {Blocked} users, the most one user may block; unblock one first");

    private static FriendUpdateReply Conflict(string message) => new() { Result = FriendUpdateReply.Types.Result.Conflict, Message = message };

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ChatRequestException(ErrorCode.Conflict, message);
        }
    }
}
