using System.Net;
using Grpc.Core;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Protos.Login;
using ImCells.Protos.Topology;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Login;

/// <summary>
/// The look-ups: where a user is (for a signed-in user, as the user's privacy allows), and the
/// cells' status (whether each is up; the figures are for operators, at the cells themselves).
/// </summary>
internal sealed partial class LoginGrpcService
{
    // A caller knocking with bad tokens in a loop logs once a minute per address.
    private static readonly LogThrottle<IPAddress> LookupRefusalLog = new(TimeSpan.FromMinutes(1));

    public override async Task<WhereReply> Where(WhereRequest request, ServerCallContext context)
    {
        sourceLimits.TakeLookup(context);
        var asker = Asker(request.Token, context);
        var map = topology.Current;
        var home = map.Locate(request.UserId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no cell owns number {request.UserId}"));
        var lookup = new CellProto.WhereRequest
        {
            UserId = request.UserId,
            Asker = asker.UserId,
            AskerDevice = asker.DeviceId,
            AskerTokenIssuedMs = asker.IssuedAt.ToUnixTimeMilliseconds(),
        };

        // Only the asker's home cell knows its logouts: when that is another cell, it checks the token first.
        if (asker.HomeCell != home.Id && map.FindCell(asker.HomeCell) is { } askerHome)
        {
            var self = lookup.Clone();
            self.UserId = asker.UserId;
            await WhereAtAsync(askerHome, self, context.CancellationToken);
        }

        var reply = await WhereAtAsync(home, lookup, context.CancellationToken);
        if (!reply.Exists)
        {
            // Also the answer for a user who hides from the asker: the two cannot be told apart.
            throw new RpcException(new Status(StatusCode.NotFound, $"user {request.UserId} does not exist"));
        }

        return new WhereReply { UserId = request.UserId, HomeCell = home.Id, Devices = { reply.Devices } };
    }

    public override async Task<StatusReply> Status(StatusRequest request, ServerCallContext context)
    {
        if (request.CollectGarbage)
        {
            // A forced GC stalls a cell; anyone can reach this service, so only operators, at the cell itself, may ask.
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                "collect_garbage is an operator action: call CellAdmin.Status on the cell with an operator certificate"));
        }

        sourceLimits.TakeLookup(context);
        return await publicStatus.GetAsync(PublicStatusAsync).WaitAsync(context.CancellationToken);
    }

    /// <summary>Every cell asked at once; each call has its own deadline, and no caller's cancellation ends the shared answer.</summary>
    private async Task<StatusReply> PublicStatusAsync()
    {
        var map = topology.Current;
        var statuses = await Task.WhenAll(map.Map.Cells.Select(c => CellStatusAsync(c, CancellationToken.None)));
        var reply = new StatusReply { TopologyVersion = map.Version };
        reply.Cells.AddRange(statuses.Select(Public));
        return reply;
    }

    /// <summary>
    /// What anyone may know of a cell: where it is, whether it answers, which map it serves. Its
    /// load, memory and process are for operators, who ask the cell itself (CellAdmin.Status over
    /// mutual TLS with the operator certificate, as `imcells status` does).
    /// </summary>
    private static CellStatus Public(CellStatus cell)
    {
        var status = new CellStatus { Id = cell.Id, Up = cell.Up, Grpc = cell.Grpc, Error = cell.Error, TopologyVersion = cell.TopologyVersion };
        status.Chat.AddRange(cell.Chat);
        return status;
    }

    /// <summary>A cell's status with every figure, for this server's own decisions (placement).</summary>
    private async Task<CellStatus> CellStatusAsync(CellInfo cell, CancellationToken cancellationToken)
    {
        var status = new CellStatus { Id = cell.Id, Grpc = cell.Grpc };
        status.Chat.AddRange(cell.Chat);
        try
        {
            var reply = await channels.Client<CellProto.CellAdmin.CellAdminClient>(cell.Grpc).StatusAsync(new CellProto.StatusRequest(),
                deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
            status.Up = true;
            status.Connections = reply.Connections;
            status.OnlineUsers = reply.OnlineUsers;
            status.Users = reply.Users;
            status.OutboxPending = reply.OutboxPending;
            status.TopologyVersion = reply.TopologyVersion;
            status.Pid = reply.Pid;
            status.RssBytes = reply.RssBytes;
            status.ManagedHeapBytes = reply.ManagedHeapBytes;
            status.HomeUsersHere = reply.HomeUsersHere;
            status.VisitorsHere = (uint)reply.Visitors.Count;
        }
        catch (RpcException e)
        {
            status.Error = e.Status.Detail;
        }

        return status;
    }

    private async Task<CellProto.WhereReply> WhereAtAsync(CellInfo cell, CellProto.WhereRequest lookup, CancellationToken cancellationToken)
    {
        try
        {
            return await channels.Client<CellProto.CellAccounts.CellAccountsClient>(cell.Grpc).WhereAsync(lookup, deadline: Deadlines.Short, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"cell '{cell.Id}' is unreachable; try again shortly"));
        }
    }

    /// <summary>
    /// The signed-in user behind <paramref name="token"/>: signature, age and expiry hold, and the user
    /// is homed where the token says (a revoked token is caught by that home cell).
    /// </summary>
    private TokenClaims Asker(string token, ServerCallContext context)
    {
        var problem = tokens.Verify(token, out var claims) switch
        {
            _ when token.Length == 0 => "a look-up needs a signed-in user: log in and give the token",
            TokenCheck.Valid when topology.Current.Locate(claims!.UserId)?.Id != claims.HomeCell =>
                $"token names cell '{claims.HomeCell}' as the home of user {claims.UserId}, which it is not",
            TokenCheck.Valid => null,
            TokenCheck.Expired => "token expired; log in again",
            TokenCheck.TooOld => $"token was issued more than {tokens.MaxAge.TotalHours:0.##} h ago (Token:MaxAgeHours); log in again",
            TokenCheck.IssuedInFuture => "token is issued in the future; the clocks of the login servers disagree",
            _ => "token is not valid",
        };
        if (problem is null)
        {
            return claims!;
        }

        var remote = context.GetHttpContext().Connection.RemoteIpAddress ?? IPAddress.None;
        if (LookupRefusalLog.Allow(remote))
        {
            LookupRefused(logger, context.Method, remote.ToString(), problem);
        }

        throw new RpcException(new Status(StatusCode.Unauthenticated, problem));
    }

    [LoggerMessage(20, LogLevel.Information, "Refused {Method} from {Remote}: {Problem} (logged once a minute per address)")]
    private static partial void LookupRefused(ILogger logger, string method, string remote, string problem);
}
