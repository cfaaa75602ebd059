using Grpc.Core;
using ImCells.Server.Discovery;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
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
    FailedLoginThrottle throttle,
    IDiscovery discovery,
    LoginOptions options,
    ILogger<LoginGrpcService> logger) : Protos.Login.Login.LoginBase
{
    // One message for both a wrong password and an unknown number: no account probing.
    private const string BadCredentials = "wrong user number or password";

    public override async Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || string.IsNullOrEmpty(request.Password))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name and password are required"));
        }

        var map = topology.Current;
        IEnumerable<CellInfo> candidates;
        if (request.Cell.Length > 0)
        {
            candidates = [map.FindCell(request.Cell)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"no cell '{request.Cell}' in topology version {map.Version}"))];
        }
        else
        {
            candidates = await ByFreeNumbersAsync(map.Map.Cells, context.CancellationToken);
        }

        var problems = new List<string>();
        foreach (var cell in candidates)
        {
            CellProto.RegisterReply reply;
            try
            {
                reply = await channels.Client<CellProto.CellAccounts.CellAccountsClient>(cell.Grpc).RegisterAsync(
                    new CellProto.RegisterRequest { Name = request.Name, Password = request.Password },
                    deadline: Deadlines.Work, cancellationToken: context.CancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                problems.Add($"cell '{cell.Id}' unreachable");
                continue;
            }

            switch (reply.Result)
            {
                case CellProto.RegisterReply.Types.Result.Ok:
                    Registered(logger, reply.UserId, cell.Id);
                    return new RegisterReply { UserId = reply.UserId, CellId = cell.Id };
                case CellProto.RegisterReply.Types.Result.Invalid:
                    throw new RpcException(new Status(StatusCode.InvalidArgument, reply.Message));
                default:
                    problems.Add($"cell '{cell.Id}' is full");
                    break;
            }
        }

        throw new RpcException(new Status(
            problems.All(p => p.EndsWith("full", StringComparison.Ordinal)) ? StatusCode.ResourceExhausted : StatusCode.Unavailable,
            "no cell could register the user: " + string.Join("; ", problems)));
    }

    public override async Task<LoginReply> Login(LoginRequest request, ServerCallContext context)
    {
        if (!TokenService.DeviceIdPattern().IsMatch(request.DeviceId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "device id must be 1-64 of A-Z a-z 0-9 . _ : -"));
        }

        var delay = throttle.DelayFor(request.UserId);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, context.CancellationToken);
        }

        var cell = topology.Current.Locate(request.UserId);
        CellProto.AuthenticateReply? reply = null;
        if (cell is not null)
        {
            try
            {
                reply = await channels.Client<CellProto.CellAccounts.CellAccountsClient>(cell.Grpc).AuthenticateAsync(
                    new CellProto.AuthenticateRequest { UserId = request.UserId, Password = request.Password },
                    deadline: Deadlines.Work, cancellationToken: context.CancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                throw new RpcException(new Status(StatusCode.Unavailable, $"home cell '{cell.Id}' is unreachable; try again shortly"));
            }
        }

        if (cell is null || reply is not { Ok: true })
        {
            throttle.Failed(request.UserId);
            LoginRefused(logger, request.UserId);
            throw new RpcException(new Status(StatusCode.Unauthenticated, BadCredentials));
        }

        throttle.Succeeded(request.UserId);
        var serving = ServingCell(request, cell);
        var expires = DateTimeOffset.UtcNow.AddHours(options.TokenLifetimeHours);
        var token = tokens.Issue(new TokenClaims(request.UserId, request.DeviceId, cell.Id, serving.Id, expires));
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
    /// Placement policy for a new user: the cell with the most free numbers first (so a newly
    /// added cell fills up), unreachable cells last; the caller skips full or unreachable ones.
    /// </summary>
    private async Task<IEnumerable<CellInfo>> ByFreeNumbersAsync(IEnumerable<CellInfo> cells, CancellationToken cancellationToken)
    {
        var ranked = await Task.WhenAll(cells.Select(async cell =>
        {
            var size = cell.Ranges.Aggregate(0UL, (sum, r) => sum + (r.Last - r.First + 1));
            var status = await CellStatusAsync(cell, cancellationToken);
            return (Cell: cell, Free: status.Up ? size - Math.Min(size, status.Users) : 0UL, status.Up);
        }));
        return ranked.OrderByDescending(r => r.Up).ThenByDescending(r => r.Free).Select(r => r.Cell);
    }

    /// <summary>Where the device attaches: the preferred cell, else a cell of the preferred region, else home.</summary>
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
            return map.Map.Cells.FirstOrDefault(c => c.Region == request.Region) ?? home;
        }

        return home;
    }

    [LoggerMessage(1, LogLevel.Information, "Registered {UserId} in cell {Cell}")]
    private static partial void Registered(ILogger logger, ulong userId, string cell);

    [LoggerMessage(2, LogLevel.Information, "Login {UserId} device {Device}: home cell {Cell}, serving cell {Serving}")]
    private static partial void LoggedIn(ILogger logger, ulong userId, string device, string cell, string serving);

    [LoggerMessage(3, LogLevel.Warning, "Login refused for {UserId}")]
    private static partial void LoginRefused(ILogger logger, ulong userId);
}
