using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;

namespace ImCells.Cell.Delivery;

/// <summary>
/// Where a home cell's pushes for its roaming devices land: the sessions of those devices here.
/// Served by cells and by extra chat servers alike; a push only reaches sessions homed in the
/// calling cell.
/// </summary>
internal sealed class VisitorPushService(SessionRegistry sessions) : ServingPlace.ServingPlaceBase
{
    public override Task<PushToVisitorsReply> PushToVisitors(PushToVisitorsRequest request, ServerCallContext context)
    {
        foreach (var push in request.Pushes)
        {
            foreach (var session in sessions.Get(push.UserId))
            {
                if (session.DeviceId != push.ExceptDevice && session.HomeCell == request.FromCell
                    && (push.OnlyDevice.Length == 0 || session.DeviceId == push.OnlyDevice))
                {
                    Deliver(session, push.Frame);
                }
            }
        }

        return Task.FromResult(new PushToVisitorsReply());
    }

    /// <summary>A Kicked from home (a logout) ends the session here; anything else is passed on.</summary>
    private static void Deliver(ChatSession session, Frame frame)
    {
        if (frame.BodyCase == Frame.BodyOneofCase.Kicked)
        {
            session.Kick(frame.Kicked.Reason);
        }
        else
        {
            session.TryPush(frame);
        }
    }
}
