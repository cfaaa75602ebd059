using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Registry.Vlr;

namespace ImCells.Cell.Roaming;

/// <summary>
/// The serving cell's half of roaming: on attach it makes the location update at the home cell and
/// keeps the visitor's profile and friends in the VLR; every request of the visitor is executed
/// by the home cell; on detach the location is cancelled and the VLR entry dropped. Every
/// heartbeat interval it refreshes its visitors' locations at their home cells.
/// </summary>
internal sealed partial class VisitorProxy(
    CellIdentity self,
    TopologyCache topology,
    ChannelPool channels,
    SessionRegistry sessions,
    VisitorCache vlr,
    ChatOptions options,
    TimeProvider time,
    ILogger<VisitorProxy> logger) : BackgroundService
{
    public async Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        var reply = await CallHomeAsync(session.HomeCell, (client, deadline) => client.VisitorAttachAsync(new VisitorAttachRequest
        {
            UserId = session.UserId,
            DeviceId = session.DeviceId,
            ServingCell = self.ServingId,
            ChatEndpoint = session.LocalEndpoint,
            Token = session.Token,
        }, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync);
        vlr.Set(new VisitorRecord(session.UserId, session.HomeCell, true, reply.Profile?.Name ?? "", reply.Profile) { Friends = [.. reply.Friends] });
        session.TryPush(new Frame { PresenceSnapshot = reply.Snapshot ?? new PresenceSnapshot() });
        VisitorAttached(logger, session.UserId, session.DeviceId, session.HomeCell);
        return reply.HeadSeq;
    }

    public async Task<Frame> CallAsync(ChatSession session, Frame request, CancellationToken cancellationToken)
    {
        var reply = await CallHomeAsync(session.HomeCell, (client, deadline) => client.VisitorCallAsync(new VisitorCallRequest
        {
            UserId = session.UserId,
            DeviceId = session.DeviceId,
            ServingCell = self.ServingId,
            Request = request,
            Token = session.Token,
        }, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync);
        return reply.Response.BodyCase == Frame.BodyOneofCase.Error
            ? throw new ChatRequestException(reply.Response.Error.Code, reply.Response.Error.Message)
            : reply.Response;
    }

    /// <summary>The visitor's device left: cancel its location at home (retried briefly in the background).</summary>
    public void Detached(ChatSession session)
    {
        if (sessions.Get(session.UserId).IsEmpty)
        {
            vlr.Invalidate(session.UserId);
        }

        _ = CancelLocationAsync(session.UserId, session.DeviceId, session.HomeCell, session.Token);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.HeartbeatSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await RefreshAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var byHome = new Dictionary<string, VisitorRefreshRequest>();
        foreach (var session in sessions.Visitors(self.ServingId))
        {
            if (!byHome.TryGetValue(session.HomeCell, out var request))
            {
                request = new VisitorRefreshRequest { ServingCell = self.ServingId, TtlMs = options.HeartbeatSeconds * 3000L };
                byHome[session.HomeCell] = request;
            }

            request.Devices.Add(new VisitorDevice { UserId = session.UserId, DeviceId = session.DeviceId, ChatEndpoint = session.LocalEndpoint, Token = session.Token });
        }

        await Task.WhenAll(byHome.Select(async h =>
        {
            try
            {
                await CallHomeAsync(h.Key, (client, deadline) => client.VisitorRefreshAsync(h.Value, deadline: deadline, cancellationToken: cancellationToken).ResponseAsync);
            }
            catch (ChatRequestException e)
            {
                RefreshFailed(logger, h.Key, e.Message);
            }
        }));
    }

    private async Task CancelLocationAsync(ulong user, string device, string home, string token)
    {
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                await CallHomeAsync(home, (client, deadline) => client.VisitorDetachAsync(
                    new VisitorDetachRequest { UserId = user, DeviceId = device, ServingCell = self.ServingId, Token = token }, deadline: deadline).ResponseAsync);
                VisitorDetached(logger, user, device, home);
                return;
            }
            catch (ChatRequestException e) when (e.Code == ErrorCode.NotAuthenticated)
            {
                // The token no longer holds (expired, or the device logged out): asking again will not help.
                break;
            }
            catch (ChatRequestException)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), time);
            }
        }

        // The home cell expires the location by itself once our refreshes stop naming the device.
        DetachLost(logger, user, device, home);
    }

    private async Task<T> CallHomeAsync<T>(string homeId, Func<HomeLocation.HomeLocationClient, DateTime, Task<T>> call)
    {
        var home = topology.Current.FindCell(homeId)
            ?? throw new ChatRequestException(ErrorCode.Unavailable, $"home cell '{homeId}' is not in the topology");
        try
        {
            return await call(channels.Client<HomeLocation.HomeLocationClient>(home.Grpc), Deadlines.Work);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.FailedPrecondition or StatusCode.Unauthenticated)
        {
            throw new ChatRequestException(ErrorCode.NotAuthenticated, e.Status.Detail);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.PermissionDenied)
        {
            throw new ChatRequestException(ErrorCode.Internal, $"home cell '{homeId}' refused this serving place: {e.Status.Detail}");
        }
        catch (RpcException e)
        {
            throw new ChatRequestException(ErrorCode.Unavailable, $"home cell '{homeId}' is unreachable ({e.StatusCode}); try again");
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Visitor {User} device {Device} from cell {Home} attached")]
    private static partial void VisitorAttached(ILogger logger, ulong user, string device, string home);

    [LoggerMessage(2, LogLevel.Information, "Visitor {User} device {Device} detached; location at cell {Home} cancelled")]
    private static partial void VisitorDetached(ILogger logger, ulong user, string device, string home);

    [LoggerMessage(3, LogLevel.Warning, "Could not cancel the location of {User} device {Device} at cell {Home}; it expires there")]
    private static partial void DetachLost(ILogger logger, ulong user, string device, string home);

    [LoggerMessage(4, LogLevel.Warning, "Visitor refresh to cell {Home} failed: {Problem}")]
    private static partial void RefreshFailed(ILogger logger, string home, string problem);
}
