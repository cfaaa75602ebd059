using ImCells.Cell.Chat;
using ImCells.Cell.FrontDoor;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.FrontDoor;

/// <summary>Numbers out of range are a BAD_REQUEST naming the field, before any request runs.</summary>
public sealed class RequestRulesTests
{
    public static TheoryData<Frame, string> OutOfRange() => new()
    {
        { new Frame { Send = new SendRequest { To = 0, Text = "x" } }, "to is required (a user number, not 0)" },
        { new Frame { Sync = new SyncRequest { FromSeq = ulong.MaxValue } }, $"from_seq {ulong.MaxValue} is out of range: at most {long.MaxValue}" },
        { new Frame { Ack = new AckRequest { Seq = (ulong)long.MaxValue + 1 } }, $"seq {(ulong)long.MaxValue + 1} is out of range: at most {long.MaxValue}" },
        { new Frame { MarkRead = new MarkReadRequest { Peer = 0, Seq = 1 } }, "peer is required (a user number, not 0)" },
        { new Frame { MarkRead = new MarkReadRequest { Peer = 5, Seq = ulong.MaxValue } }, $"seq {ulong.MaxValue} is out of range: at most {long.MaxValue}" },
        { new Frame { History = new HistoryRequest { Peer = 0 } }, "peer is required (a user number, not 0)" },
        { new Frame { History = new HistoryRequest { Peer = 5, BeforeSeq = ulong.MaxValue } }, $"before_seq {ulong.MaxValue} is out of range: at most {long.MaxValue}" },
        { new Frame { CancelScheduled = new CancelScheduledRequest { ScheduleId = "" } }, "schedule_id must be 1-128 characters" },
        { new Frame { CancelScheduled = new CancelScheduledRequest { ScheduleId = new string('s', 129) } }, "schedule_id must be 1-128 characters" },
        { new Frame { GetProfile = new GetProfileRequest { User = 0 } }, "user is required (a user number, not 0)" },
        { new Frame { FriendRequest = new FriendRequest { To = 0 } }, "to is required (a user number, not 0)" },
        { new Frame { FriendRespond = new FriendRespondRequest { From = 0 } }, "from is required (a user number, not 0)" },
        { new Frame { FriendRemove = new FriendRemoveRequest { Friend = 0 } }, "friend is required (a user number, not 0)" },
        { new Frame { Block = new BlockRequest { User = 0 } }, "user is required (a user number, not 0)" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void OutOfRange_BadRequestNamingTheField(Frame request, string problem)
    {
        var refused = Assert.Throws<ChatRequestException>(() => RequestRules.Check(request));

        Assert.Equal(ErrorCode.BadRequest, refused.Code);
        Assert.Equal(problem, refused.Message);
    }

    [Fact]
    public void InRange_Passes()
    {
        RequestRules.Check(new Frame { Sync = new SyncRequest { FromSeq = long.MaxValue } });
        RequestRules.Check(new Frame { Ack = new AckRequest { Seq = 0 } });
        RequestRules.Check(new Frame { History = new HistoryRequest { Peer = ulong.MaxValue, BeforeSeq = 0 } });
        RequestRules.Check(new Frame { CancelScheduled = new CancelScheduledRequest { ScheduleId = "a-s193f-1" } });
        RequestRules.Check(new Frame { FriendList = new FriendListRequest() });
    }
}
