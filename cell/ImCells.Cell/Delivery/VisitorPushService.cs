using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.Delivery;

/// <summary>
/// Where a home cell's pushes for its roaming devices land: the sessions of those devices here.
/// Served by cells and by extra chat servers alike; only the users' home cell may push, and a push
/// only reaches sessions homed in the calling cell.
/// </summary>
[CallableBy(ClusterRole.Cell)]
internal sealed class VisitorPushService(SessionRegistry sessions, TopologyCache topology, TrustRefusals refusals) : ServingPlace.ServingPlaceBase
{
    public override Task<PushToVisitorsReply> PushToVisitors(PushToVisitorsRequest request, ServerCallContext context)
    {
        var caller = context.CellSpeakingForOwnUsers(refusals, topology.Current, request.FromCell, request.Pushes.Select(p => p.UserId), "push");
        foreach (var push in request.Pushes)
        {
            foreach (var session in sessions.Get(push.UserId))
            {
                if (session.DeviceId != push.ExceptDevice && session.HomeCell == caller
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
