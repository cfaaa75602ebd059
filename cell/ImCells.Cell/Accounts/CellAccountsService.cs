using Grpc.Core;
using ImCells.Protos.Cell;
using ImCells.Registry.Hlr;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.Accounts;

/// <summary>What login servers (and only they) ask of a cell: register a number here, check a password, where a user is.</summary>
[CallableBy(ClusterRole.Login)]
internal sealed partial class CellAccountsService(
    CellIdentity self,
    TopologyCache topology,
    AccountStore accounts,
    WhereLookup whereLookup,
    ILogger<CellAccountsService> logger) : CellAccounts.CellAccountsBase
{
    public override async Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
    {
        var name = request.Name.Trim();
        if (name.Length is 0 or > AccountStore.MaxNameLength || name.Any(char.IsControl))
        {
            return Invalid($"name must be 1-{AccountStore.MaxNameLength} printable characters");
        }

        if (request.Password.Length is 0 or > AccountStore.MaxPasswordLength)
        {
            return Invalid($"password must be 1-{AccountStore.MaxPasswordLength} characters");
        }

        var cell = topology.Current.FindCell(self.Id)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"cell '{self.Id}' is not in the topology"));
        var account = await accounts.RegisterAsync(name, request.Password,
            cell.Ranges.Select(r => (r.First, r.Last)).ToList(), context.CancellationToken);
        if (account is null)
        {
            RangeFull(logger, self.Id);
            return new RegisterReply { Result = RegisterReply.Types.Result.RangeFull, Message = $"cell '{self.Id}' has no free number" };
        }

        Registered(logger, account.Id, account.Name);
        return new RegisterReply { Result = RegisterReply.Types.Result.Ok, UserId = account.Id };
    }

    public override async Task<AuthenticateReply> Authenticate(AuthenticateRequest request, ServerCallContext context)
    {
        var account = await accounts.AuthenticateAsync(request.UserId, request.Password, context.CancellationToken);
        return account is null ? new AuthenticateReply { Ok = false } : new AuthenticateReply { Ok = true, Name = account.Name };
    }

    public override Task<WhereReply> Where(WhereRequest request, ServerCallContext context) =>
        whereLookup.AnswerAsync(request, context.CancellationToken);

    private static RegisterReply Invalid(string message) => new() { Result = RegisterReply.Types.Result.Invalid, Message = message };

    [LoggerMessage(1, LogLevel.Information, "Registered user {UserId} ({Name})")]
    private static partial void Registered(ILogger logger, ulong userId, string name);

    [LoggerMessage(2, LogLevel.Warning, "Cell {Cell} has no free number left")]
    private static partial void RangeFull(ILogger logger, string cell);
}
