using ImCells.Cell.Chat;
using ImCells.Protos.Cell;

namespace ImCells.Cell.Roaming;

/// <summary>Where a home cell's pushes for its roaming devices land: the sessions of those devices here.</summary>
internal static class VisitorPushes
{
    public static PushToVisitorsReply Deliver(SessionRegistry sessions, PushToVisitorsRequest request)
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

        return new PushToVisitorsReply();
    }
}
