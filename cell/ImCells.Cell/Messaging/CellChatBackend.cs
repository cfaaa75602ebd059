using ImCells.Cell.Chat;
using ImCells.Cell.Presence;
using ImCells.Cell.Roaming;
using ImCells.Cell.Social;
using ImCells.Common.Security;
using ImCells.Common.Topology;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// The cell side of a client connection: token check, attach and detach (presence, snapshot),
/// and requests — executed here for users homed here, forwarded to the home cell for visitors.
/// </summary>
internal sealed partial class CellChatBackend(
    CellIdentity self,
    TopologyCache topology,
    TokenService tokens,
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

    public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken)
    {
        switch (tokens.Verify(auth.Token, out var claims))
        {
            case TokenCheck.Valid:
                break;
            case TokenCheck.Expired:
                throw new ChatRequestException(ErrorCode.BadToken, "token expired; log in again");
            default:
                throw new ChatRequestException(ErrorCode.BadToken, "token is not valid");
        }

        if (claims!.ServingCell != self.Id)
        {
            throw new ChatRequestException(ErrorCode.BadToken, $"token is for cell '{claims.ServingCell}', this is cell '{self.Id}'");
        }

        if (topology.Current.Locate(claims.UserId)?.Id != claims.HomeCell)
        {
            throw new ChatRequestException(ErrorCode.BadToken, $"user {claims.UserId} is not homed in cell '{claims.HomeCell}'");
        }

        if (auth.DeviceId.Length > 0 && auth.DeviceId != claims.DeviceId)
        {
            throw new ChatRequestException(ErrorCode.BadToken, "device id differs from the token's");
        }

        return Task.FromResult(new ChatIdentity(claims.UserId, claims.DeviceId, claims.HomeCell));
    }

    public async Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        var replaced = sessions.Add(session);
        if (replaced is not null)
        {
            SessionLog.Replaced(logger, session.UserId, session.DeviceId, replaced.ConnectionId);
            replaced.TryPush(new Frame { Kicked = new Kicked { Reason = "signed in again on this device" } });
            replaced.Abort();
        }

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
