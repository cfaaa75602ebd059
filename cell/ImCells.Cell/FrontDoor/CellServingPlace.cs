using ImCells.Cell.Chat;
using ImCells.Cell.Presence;
using ImCells.Cell.Roaming;
using ImCells.Cell.Social;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// The cell process as a serving place: a user homed here is served here (presence, snapshot,
/// requests against the HLR); a visitor is attached at its home cell and its requests go there.
/// </summary>
internal sealed class CellServingPlace(
    CellIdentity self,
    MailboxStore mailboxes,
    RequestHandler handler,
    SocialService socialService,
    DevicePresence presence,
    VisitorProxy visitors) : IServingPlace
{
    public async Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        if (session.HomeCell != self.Id)
        {
            return await visitors.AttachAsync(session, cancellationToken);
        }

        presence.Online(session.UserId);
        // Held back by the session until its AuthOk is out.
        session.TryPush(new Frame { PresenceSnapshot = await socialService.SnapshotAsync(session.UserId, cancellationToken) });
        return await mailboxes.HeadSeqAsync(session.UserId, cancellationToken);
    }

    public void Detached(ChatSession session)
    {
        if (session.HomeCell != self.Id)
        {
            visitors.Detached(session);
            return;
        }

        presence.Offline(session.UserId);
    }

    public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
        session.HomeCell == self.Id
            ? handler.ExecuteAsync(new Caller(session.UserId, session.DeviceId), request, cancellationToken)
            : visitors.CallAsync(session, request, cancellationToken);
}
