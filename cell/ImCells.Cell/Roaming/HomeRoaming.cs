using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Messaging;
using ImCells.Cell.Presence;
using ImCells.Cell.Social;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Roaming;

/// <summary>
/// The home cell's half of roaming: location updates from serving cells, requests of roaming
/// devices executed against the home HLR, and expiry of locations whose serving cell went silent
/// (it died): the device goes offline and its messages wait in the mailbox for the next Sync.
/// </summary>
internal sealed partial class HomeRoaming(
    CellIdentity self,
    VisitorLocations locations,
    SessionRegistry sessions,
    RequestHandler handler,
    SocialService socialService,
    SocialStore social,
    MailboxStore mailboxes,
    PresenceTracker presence,
    PresenceFanout fanout,
    FriendCache friendCache,
    ChatOptions options,
    TimeProvider time,
    ILogger<HomeRoaming> logger) : BackgroundService
{
    /// <summary>How long a location lives without a refresh from its serving cell: three refresh intervals.</summary>
    private TimeSpan Ttl => TimeSpan.FromSeconds(options.HeartbeatSeconds * 3);

    public async Task<VisitorAttachReply> AttachAsync(VisitorAttachRequest request, CancellationToken cancellationToken)
    {
        var profile = await socialService.GetProfileAsync(request.UserId, cancellationToken);
        if (await locations.AttachAsync(new DeviceLocationRecord(request.UserId, request.DeviceId, request.ServingCell, request.ChatEndpoint,
                time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken))
        {
            Online(request.UserId);
        }

        LocationUpdated(logger, request.UserId, request.DeviceId, request.ServingCell);
        var reply = new VisitorAttachReply
        {
            HeadSeq = await mailboxes.HeadSeqAsync(request.UserId, cancellationToken),
            Snapshot = await socialService.SnapshotAsync(request.UserId, cancellationToken),
            Profile = profile,
        };
        reply.Friends.AddRange((await social.FriendsAsync(request.UserId, cancellationToken)).Select(f => f.Friend));
        return reply;
    }

    public async Task DetachAsync(VisitorDetachRequest request, CancellationToken cancellationToken)
    {
        if (await locations.DetachAsync(request.UserId, request.DeviceId, request.ServingCell, cancellationToken))
        {
            LocationCancelled(logger, request.UserId, request.DeviceId, request.ServingCell, "detached");
            Offline(request.UserId);
        }
    }

    public async Task RefreshAsync(VisitorRefreshRequest request, CancellationToken cancellationToken)
    {
        // Devices we do not know (this cell restarted, or expired them during a pause) attach again.
        foreach (var (user, device) in locations.Refresh(request.ServingCell, request.Devices.Select(d => (d.UserId, d.DeviceId))))
        {
            var chat = request.Devices.First(d => d.UserId == user && d.DeviceId == device).ChatEndpoint;
            if (await locations.AttachAsync(new DeviceLocationRecord(user, device, request.ServingCell, chat, time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken))
            {
                Online(user);
            }
        }
    }

    public async Task<Frame> CallAsync(VisitorCallRequest request, CancellationToken cancellationToken)
    {
        if (!locations.IsAttached(request.UserId, request.DeviceId, request.ServingCell))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"device {request.DeviceId} of {request.UserId} is not attached at cell '{request.ServingCell}'"));
        }

        try
        {
            var response = await handler.ExecuteAsync(new Caller(request.UserId, request.DeviceId, null), request.Request, cancellationToken);
            response.Seq = request.Request.Seq;
            return response;
        }
        catch (ChatRequestException e)
        {
            return new Frame { Seq = request.Request.Seq, Error = new Error { Code = e.Code, Message = e.Message } };
        }
    }

    public WhereReply Where(ulong user)
    {
        var reply = new WhereReply { Exists = true, HomeCell = self.Id };
        foreach (var session in sessions.Get(user))
        {
            reply.Devices.Add(new DeviceLocation { DeviceId = session.DeviceId, ServingCell = self.Id, ChatEndpoint = session.LocalEndpoint });
        }

        reply.Devices.AddRange(locations.Of(user).Select(l => new DeviceLocation
        {
            DeviceId = l.DeviceId,
            ServingCell = l.ServingCell,
            ChatEndpoint = l.ChatEndpoint,
            SinceMs = l.SinceMs,
        }));
        return reply;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await locations.LoadAsync(stoppingToken);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var stale in locations.Stale(Ttl))
                {
                    if (await locations.DetachAsync(stale.UserId, stale.DeviceId, stale.ServingCell, stoppingToken))
                    {
                        LocationCancelled(logger, stale.UserId, stale.DeviceId, stale.ServingCell, "its serving cell stopped refreshing it");
                        Offline(stale.UserId);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Online(ulong user)
    {
        if (presence.DeviceAttached(user) is { } change)
        {
            fanout.Publish(change);
        }
    }

    private void Offline(ulong user)
    {
        if (presence.DeviceDetached(user) is { } change)
        {
            fanout.Publish(change);
            friendCache.Invalidate(user);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Location update: user {User} device {Device} attached at cell {Cell}")]
    private static partial void LocationUpdated(ILogger logger, ulong user, string device, string cell);

    [LoggerMessage(2, LogLevel.Information, "Location cancelled: user {User} device {Device} at cell {Cell}: {Why}")]
    private static partial void LocationCancelled(ILogger logger, ulong user, string device, string cell, string why);
}
