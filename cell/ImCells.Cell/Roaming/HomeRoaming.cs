using ImCells.Cell.Delivery;
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
    SocialService socialService,
    SocialStore social,
    MailboxStore mailboxes,
    DevicePresence presence,
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
            presence.Online(request.UserId);
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
            presence.Offline(request.UserId);
        }
    }

    /// <summary>
    /// Keeps the serving place's locations alive. Devices we do not know (this cell restarted, or
    /// expired them during a pause) attach again, each only if <paramref name="mayAttach"/> (its token holds).
    /// </summary>
    public async Task RefreshAsync(VisitorRefreshRequest request, Func<VisitorDevice, bool> mayAttach, CancellationToken cancellationToken)
    {
        foreach (var (user, device) in locations.Refresh(request.ServingCell, request.Devices.Select(d => (d.UserId, d.DeviceId))))
        {
            var known = request.Devices.First(d => d.UserId == user && d.DeviceId == device);
            if (!mayAttach(known))
            {
                continue;
            }

            if (await locations.AttachAsync(new DeviceLocationRecord(user, device, request.ServingCell, known.ChatEndpoint, time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken))
            {
                presence.Online(user);
            }
        }
    }

    /// <summary>Whether a serving place may act for this device: it holds its location.</summary>
    public bool IsAttached(ulong user, string device, string servingCell) => locations.IsAttached(user, device, servingCell);

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
                        presence.Offline(stale.UserId);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Location update: user {User} device {Device} attached at cell {Cell}")]
    private static partial void LocationUpdated(ILogger logger, ulong user, string device, string cell);

    [LoggerMessage(2, LogLevel.Information, "Location cancelled: user {User} device {Device} at cell {Cell}: {Why}")]
    private static partial void LocationCancelled(ILogger logger, ulong user, string device, string cell, string why);
}
