using System.Globalization;
using Grpc.Core;
using ImCells.Server.Discovery;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Server.Observability;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Protos.Login;
using ImCells.Protos.Topology;
using ImCells.Trust;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Login;

/// <summary>Register, log in, status: stateless, everything lives in the cells' HLRs. Open to clients (no cluster certificate).</summary>
[OpenToClients]
internal sealed partial class LoginGrpcService(
    TopologyCache topology,
    ChannelPool channels,
    TokenService tokens,
    SourceLimits sourceLimits,
    PublicStatusCache publicStatus,
    IDiscovery discovery,
    LoginOptions options,
    ILogger<LoginGrpcService> logger) : Protos.Login.Login.LoginBase
{
    // One message for both a wrong password and an unknown number: no account probing.
    private const string BadCredentials = "wrong user number or password";

    private readonly LogThrottle<ulong> _lockLogThrottle = new(TimeSpan.FromMinutes(1));

    public override async Task<LoginReply> Login(LoginRequest request, ServerCallContext context)
    {
        if (!TokenService.DeviceIdPattern().IsMatch(request.DeviceId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "device id must be 1-64 of A-Z a-z 0-9 . _ : -"));
        }

        sourceLimits.TakeLogin(context);
        var map = topology.Current;
        var cell = map.Locate(request.UserId);
        var asked = cell ?? StandInCell(map, request.UserId);
        CellProto.AuthenticateReply? reply = null;
        if (asked is not null)
        {
            try
            {
                reply = await channels.Client<CellProto.CellAccounts.CellAccountsClient>(asked.Grpc).AuthenticateAsync(
                    new CellProto.AuthenticateRequest { UserId = request.UserId, Password = request.Password },
                    deadline: Deadlines.Work, cancellationToken: context.CancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"home cell '{asked.Id}' is unreachable; try again shortly"));
            }
        }

        if (reply is { LockedMs: > 0 })
        {
            LoginMetrics.LoginLocked();
            if (_lockLogThrottle.Allow(request.UserId))
            {
                LoginLocked(logger, request.UserId);
            }

            var seconds = Math.Max(1, (long)Math.Ceiling(reply.LockedMs / 1000.0));
            throw new RpcException(new Status(StatusCode.ResourceExhausted,
                $"too many failed logins for this number; try again in {seconds.ToString(CultureInfo.InvariantCulture)} s"));
        }

        if (cell is null || reply is not { Ok: true })
        {
            LoginMetrics.LoginRefused();
            LoginRefused(logger, request.UserId);
            throw new RpcException(new Status(StatusCode.Unauthenticated, BadCredentials));
        }

        var serving = ServingCell(request, cell);
        var expires = DateTimeOffset.UtcNow.AddHours(options.TokenLifetimeHours);
        var token = tokens.Issue(new TokenClaims(request.UserId, request.DeviceId, cell.Id, serving.Id, expires));
        LoginMetrics.LoginOk();
        LoggedIn(logger, request.UserId, request.DeviceId, cell.Id, serving.Id);
        var result = new LoginReply
        {
            UserId = request.UserId,
            Token = token,
            CellId = serving.Id,
            HomeCell = cell.Id,
            ExpiresAtMs = expires.ToUnixTimeMilliseconds(),
            Name = reply.Name,
        };
        result.ChatEndpoints.AddRange(discovery.ChatEndpoints(serving));
        return result;
    }

    /// <summary>
    /// Where a number that no cell owns is checked: a cell chosen by the number, which counts and locks
    /// it like any number of its own, so such a number answers exactly as a real one (no probing).
    /// </summary>
    private static CellInfo? StandInCell(TopologyIndex map, ulong userId)
    {
        var cells = map.Map.Cells.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        return cells.Count == 0 ? null : cells[(int)(userId % (ulong)cells.Count)];
    }

    /// <summary>
    /// Where the device attaches: the preferred cell, else a cell of the preferred region, else home.
    /// A cell or region the topology does not have is INVALID_ARGUMENT.
    /// </summary>
    private CellInfo ServingCell(LoginRequest request, CellInfo home)
    {
        var map = topology.Current;
        if (request.PreferCell.Length > 0)
        {
            return map.FindCell(request.PreferCell)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"no cell '{request.PreferCell}' in topology version {map.Version}"));
        }

        if (request.Region.Length > 0 && home.Region != request.Region)
        {
            // Refused like an unknown cell: a typo must not silently leave the device at home.
            return map.Map.Cells.FirstOrDefault(c => c.Region == request.Region)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"no cell in region '{request.Region}' in topology version {map.Version}"));
        }

        return home;
    }

    [LoggerMessage(2, LogLevel.Information, "Login {UserId} device {Device}: home cell {Cell}, serving cell {Serving}")]
    private static partial void LoggedIn(ILogger logger, ulong userId, string device, string cell, string serving);

    [LoggerMessage(3, LogLevel.Warning, "Login refused for {UserId}")]
    private static partial void LoginRefused(ILogger logger, ulong userId);

    [LoggerMessage(4, LogLevel.Warning, "Login refused for {UserId}: locked after too many failed logins (logged once a minute per number)")]
    private static partial void LoginLocked(ILogger logger, ulong userId);
}
