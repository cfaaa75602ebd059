using ImCells.Cell.Chat;
using ImCells.Cell.Presence;
using ImCells.Cell.Roaming;
using ImCells.Cell.Social;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// The cell side of a client connection: token check, attach and detach (presence, snapshot),
/// and requests — executed here for users homed here, forwarded to the home cell for visitors.
/// </summary>
internal sealed partial class CellChatBackend(
    CellIdentity self,
    ChatTokens tokens,
    MailboxStore mailboxes,
    SessionRegistry sessions,
    RequestHandler handler,
    SocialService socialService,
    PresenceTracker presence,
    PresenceFanout fanout,
    FriendCache friendCache,
    VisitorProxy visitors,
    ILogger<CellChatBackend> logger) : IChatBackend
{
    public string CellId => self.Id;

    public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
        Task.FromResult(tokens.Verify(auth, self.Id));

    public async Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        sessions.AddReplacing(session, logger);

        try
        {
            if (session.HomeCell != self.Id)
            {
                return await visitors.AttachAsync(session, cancellationToken);
            }

            if (presence.DeviceAttached(session.UserId) is { } online)
            {
                fanout.Publish(online);
            }

            // Held back by the session until its AuthOk is out.
            session.TryPush(new Frame { PresenceSnapshot = await socialService.SnapshotAsync(session.UserId, cancellationToken) });

            // Read after the session is reachable: anything committed later is pushed, anything earlier synced.
            return await mailboxes.HeadSeqAsync(session.UserId, cancellationToken);
        }
        catch
        {
            Detach(session);
            throw;
        }
    }

    public void Detach(ChatSession session)
    {
        if (!sessions.Remove(session))
        {
            return;
        }

        if (session.HomeCell != self.Id)
        {
            visitors.Detached(session);
            return;
        }

        if (presence.DeviceDetached(session.UserId) is { } offline)
        {
            fanout.Publish(offline);
            friendCache.Invalidate(session.UserId);
        }
    }

    public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
        session.HomeCell == self.Id
            ? handler.ExecuteAsync(new Caller(session.UserId, session.DeviceId, session), request, cancellationToken)
            : visitors.CallAsync(session, request, cancellationToken);
}
