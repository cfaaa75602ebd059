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
        }
    }

    private static void User(ulong user, string field) => Require(user != 0, $"{field} is required (a user number, not 0)");

    private static void Seq(ulong seq, string field) => Require(seq <= MaxSeq, $"{field} {seq} is out of range: at most {MaxSeq}");

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw ChatRequestException.BadRequest(message);
        }
    }
}
