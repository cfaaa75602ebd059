using Grpc.Core;
using ImCells.Server.Hosting;
using ImCells.Server.Security;
using ImCells.Protos.Login;
using ImCells.Protos.Topology;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Login;

/// <summary>
/// Registration: limited per source address, and idempotent with the client's request id.
/// </summary>
/// <remarks>
/// How a retry finds the first number: every cell remembers the request ids it registered
/// (Accounts:RequestIdHours), so a retry to the same cell gets the same number. A retry may reach
/// another login server, which may rank the cells differently (free numbers change), so a retry
/// (request.retry) without a named cell first asks every cell for the id, and refuses while one
/// cannot answer or is still registering it: registering elsewhere then could make a second account.
/// The placement policy (most free numbers first) stays as it is: choosing the cell by the id
/// instead would not survive a cell being added or filling up between two attempts either. A first
/// attempt asks nobody: only a retry can have an earlier account. For the same reason a first
/// attempt with an id stops at a cell that does not answer instead of trying the next: that cell
/// may have registered it.
/// </remarks>
internal sealed partial class LoginGrpcService
{
    public override async Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || string.IsNullOrEmpty(request.Password))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name and password are required"));
        }

        var requestId = request.RequestId.Length > 0 ? request.RequestId : null;
        if (requestId is not null && !RegistrationRequestIds.IsValid(requestId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, RegistrationRequestIds.Rule));
        }

        sourceLimits.TakeRegistration(context);
        var map = topology.Current;
        IEnumerable<CellInfo> candidates;
        if (request.Cell.Length > 0)
        {
            candidates = [map.FindCell(request.Cell)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"no cell '{request.Cell}' in topology version {map.Version}"))];
        }
        else
        {
            if (requestId is not null && request.Retry && await FindEarlierAsync(map.Map.Cells, request, context.CancellationToken) is { } earlier)
            {
                return earlier;
            }

            candidates = await ByFreeNumbersAsync(map.Map.Cells, context.CancellationToken);
        }

        var problems = new List<string>();
        foreach (var cell in candidates)
        {
            CellProto.RegisterReply reply;
            try
            {
                reply = await channels.Client<CellProto.CellAccounts.CellAccountsClient>(cell.Grpc).RegisterAsync(
                    new CellProto.RegisterRequest { Name = request.Name, Password = request.Password, RequestId = request.RequestId },
                    deadline: Deadlines.Work, cancellationToken: context.CancellationToken);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                if (requestId is not null)
                {
                    throw new RpcException(new Status(StatusCode.Unavailable,
                        $"cell '{cell.Id}' did not answer the registration (it may have registered it); try again with the same request id"));
                }

                problems.Add($"cell '{cell.Id}' unreachable");
                continue;
            }

            switch (reply.Result)
            {
                case CellProto.RegisterReply.Types.Result.Ok:
                    if (reply.Replayed)
                    {
                        RegistrationRepeated(logger, reply.UserId, cell.Id, requestId ?? "");
                    }
                    else
                    {
                        Registered(logger, reply.UserId, cell.Id);
                    }

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

    /// <summary>
    /// The number a cell registered under the request's id (null when no cell knows it). Every cell
    /// must answer: one that cannot might hold the first attempt's account.
    /// </summary>
    private async Task<RegisterReply?> FindEarlierAsync(IEnumerable<CellInfo> cells, RegisterRequest request, CancellationToken cancellationToken)
    {
        var question = new CellProto.FindRegistrationRequest { RequestId = request.RequestId, Name = request.Name, Password = request.Password };
        var answers = await Task.WhenAll(cells.Select(async cell =>
        {
            try
            {
                return (Cell: cell, Reply: await channels.Client<CellProto.CellAccounts.CellAccountsClient>(cell.Grpc).FindRegistrationAsync(
                    question, deadline: Deadlines.Work, cancellationToken: cancellationToken));
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                return (Cell: cell, Reply: (CellProto.FindRegistrationReply?)null);
            }
        }));

        if (answers.FirstOrDefault(a => a.Reply?.Result == CellProto.FindRegistrationReply.Types.Result.Found) is { Reply: { } found, Cell: { } home })
        {
            RegistrationRepeated(logger, found.UserId, home.Id, request.RequestId);
            return new RegisterReply { UserId = found.UserId, CellId = home.Id };
        }

        if (answers.Any(a => a.Reply?.Result == CellProto.FindRegistrationReply.Types.Result.OtherUser))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument,
                $"request id '{request.RequestId}' was already used to register another name or password; use a new request id"));
        }

        if (answers.FirstOrDefault(a => a.Reply?.Result == CellProto.FindRegistrationReply.Types.Result.InProgress).Cell is { } running)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"the registration with request id '{request.RequestId}' is still running in cell '{running.Id}'; try again shortly"));
        }

        if (answers.Where(a => a.Reply is null).Select(a => a.Cell.Id).ToList() is { Count: > 0 } silent)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"cell {string.Join(", ", silent.Select(id => $"'{id}'"))} is unreachable, so a repeated registration cannot be checked; try again later with the same request id"));
        }

        return null;
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

    [LoggerMessage(1, LogLevel.Information, "Registered {UserId} in cell {Cell}")]
    private static partial void Registered(ILogger logger, ulong userId, string cell);

    [LoggerMessage(5, LogLevel.Information, "Registration request {RequestId} repeated: user {UserId} of cell {Cell} registered before")]
    private static partial void RegistrationRepeated(ILogger logger, ulong userId, string cell, string requestId);
}
