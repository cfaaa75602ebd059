using ImCells.Cell.Chat;
using ImCells.Protos.Client;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// The ranges of a request's numbers, checked before the request runs, whichever cell the device
/// is attached to: a user number is never 0, a seq fits the database's signed 64-bit integers, an
/// id has a bounded length. What is out of range is a BAD_REQUEST naming the field; what needs the
/// mailbox or the clock (a seq beyond the head, a time too far ahead) is checked where it is used.
/// </summary>
internal static class RequestRules
{
    /// <summary>The largest seq: SQLite stores integers as signed 64-bit.</summary>
    public const ulong MaxSeq = long.MaxValue;

    private const int MaxScheduleIdLength = 128;

    public static void Check(Frame request)
    {
        switch (request.BodyCase)
        {
            case Frame.BodyOneofCase.Send:
                User(request.Send.To, "to");
                break;
            case Frame.BodyOneofCase.Sync:
                Seq(request.Sync.FromSeq, "from_seq");
                break;
            case Frame.BodyOneofCase.Ack:
                Seq(request.Ack.Seq, "seq");
                break;
            case Frame.BodyOneofCase.MarkRead:
                User(request.MarkRead.Peer, "peer");
                Seq(request.MarkRead.Seq, "seq");
                break;
            case Frame.BodyOneofCase.History:
                User(request.History.Peer, "peer");
                Seq(request.History.BeforeSeq, "before_seq");
                break;
            case Frame.BodyOneofCase.CancelScheduled:
                var id = request.CancelScheduled.ScheduleId;
                Require(id.Length is > 0 and <= MaxScheduleIdLength, $"schedule_id must be 1-{MaxScheduleIdLength} characters");
                break;
            case Frame.BodyOneofCase.GetProfile:
                User(request.GetProfile.User, "user");
                break;
            case Frame.BodyOneofCase.FriendRequest:
                User(request.FriendRequest.To, "to");
                break;
            case Frame.BodyOneofCase.FriendRespond:
                User(request.FriendRespond.From, "from");
                break;
            case Frame.BodyOneofCase.FriendRemove:
                User(request.FriendRemove.Friend, "friend");
                break;
            case Frame.BodyOneofCase.Block:
                User(request.Block.User, "user");
                break;
            case Frame.BodyOneofCase.GroupCreate:
                Users(request.GroupCreate.Members, "members");
                break;
            case Frame.BodyOneofCase.GroupMembersChange:
                Group(request.GroupMembersChange.Group);
                Users(request.GroupMembersChange.Members, "members");
                break;
            case Frame.BodyOneofCase.GroupSet:
                Group(request.GroupSet.Group);
                break;
            case Frame.BodyOneofCase.GroupSend:
                Group(request.GroupSend.Group);
                break;
            case Frame.BodyOneofCase.GroupSync:
                Group(request.GroupSync.Group);
                Seq(request.GroupSync.FromSeq, "from_seq");
                break;
            case Frame.BodyOneofCase.GroupHistory:
                Group(request.GroupHistory.Group);
                Seq(request.GroupHistory.BeforeSeq, "before_seq");
                break;
            case Frame.BodyOneofCase.GroupMembers:
                Group(request.GroupMembers.Group);
                break;
            case Frame.BodyOneofCase.GroupMarkRead:
                Group(request.GroupMarkRead.Group);
                Seq(request.GroupMarkRead.Seq, "seq");
                break;
        }
    }

    private static void User(ulong user, string field) => Require(user != 0, $"{field} is required (a user number, not 0)");

    private static void Users(IEnumerable<ulong> users, string field) => Require(users.All(u => u != 0), $"{field} may not contain 0 (user numbers start at 1)");

    private static void Group(ulong group) =>
        Require(group is not 0 and <= MaxSeq, group == 0 ? "group is required (a group number, not 0)" : $"group {group} is out of range: at most {MaxSeq}");

    private static void Seq(ulong seq, string field) => Require(seq <= MaxSeq, $"{field} {seq} is out of range: at most {MaxSeq}");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw ChatRequestException.BadRequest(message);
        }
    }
}
