using Grpc.Core;
using ImCells.Protos.Cell;

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
                if (session.DeviceId != push.ExceptDevice && session.HomeCell == request.FromCell)
                {
                    session.TryPush(push.Frame);
                }
            }
        }

        return Task.FromResult(new PushToVisitorsReply());
    }
}
