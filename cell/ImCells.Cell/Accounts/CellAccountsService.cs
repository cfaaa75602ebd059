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
    LoginFailureStore failures,
    RegistrationsInFlight inFlight,
    WhereLookup whereLookup,
    ILogger<CellAccountsService> logger) : CellAccounts.CellAccountsBase
{
    public override async Task<RegisterReply> Register(RegisterRequest request, ServerCallContext context)
    {
        if (Social.DisplayText.Check(request.Name, "name", AccountStore.MaxNameLength, out var name, required: true) is { } problem)
        {
            return Invalid(problem);
        }

        if (request.Password.Length is 0 or > AccountStore.MaxPasswordLength)
        {
            return Invalid($"password must be 1-{AccountStore.MaxPasswordLength} characters");
        }

        if (request.RequestId.Length > 0 && !RegistrationRequestIds.IsValid(request.RequestId))
        {
            return Invalid(RegistrationRequestIds.Rule);
        }

        var cell = topology.Current.FindCell(self.Id)
            ?? throw new RpcException(new Status(StatusCode.FailedPrecondition, $"cell '{self.Id}' is not in the topology"));
        var requestId = request.RequestId.Length > 0 ? request.RequestId : null;
        using var running = requestId is null ? null : inFlight.Start(requestId);
        var registration = await accounts.RegisterAsync(name, request.Password,
            cell.Ranges.Select(r => (r.First, r.Last)).ToList(), requestId, context.CancellationToken);
        switch (registration.Outcome)
        {
            case RegistrationOutcome.RangeFull:
                RangeFull(logger, self.Id);
                return new RegisterReply { Result = RegisterReply.Types.Result.RangeFull, Message = $"cell '{self.Id}' has no free number" };
            case RegistrationOutcome.RequestIdTaken:
                return Invalid($"request id '{requestId}' was already used to register another name or password; use a new request id");
            case RegistrationOutcome.Replayed:
                Replayed(logger, registration.Account!.Id, requestId!);
                return new RegisterReply { Result = RegisterReply.Types.Result.Ok, UserId = registration.Account.Id, Replayed = true };
            default:
                Registered(logger, registration.Account!.Id, registration.Account.Name);
                return new RegisterReply { Result = RegisterReply.Types.Result.Ok, UserId = registration.Account.Id };
        }
    }

    public override async Task<FindRegistrationReply> FindRegistration(FindRegistrationRequest request, ServerCallContext context)
    {
        if (!RegistrationRequestIds.IsValid(request.RequestId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, RegistrationRequestIds.Rule));
        }

        // Asked before and after the read: a registration that started before this look-up is either
        // committed by the read, or still running at one of the two checks.
        var running = inFlight.IsRunning(request.RequestId);
        // The name compared as Register stored it (normalised); a name Register would refuse was never stored.
        var name = Social.DisplayText.Check(request.Name, "name", AccountStore.MaxNameLength, out var normalized, required: true) is null ? normalized : request.Name;
        var found = await accounts.FindRegistrationAsync(request.RequestId, name, request.Password, context.CancellationToken);
        return found switch
        {
            { Outcome: RegistrationOutcome.Replayed, Account: { } account } => new FindRegistrationReply { Result = FindRegistrationReply.Types.Result.Found, UserId = account.Id },
            { Outcome: RegistrationOutcome.RequestIdTaken } => new FindRegistrationReply { Result = FindRegistrationReply.Types.Result.OtherUser },
            _ when running || inFlight.IsRunning(request.RequestId) => new FindRegistrationReply { Result = FindRegistrationReply.Types.Result.InProgress },
            _ => new FindRegistrationReply { Result = FindRegistrationReply.Types.Result.Unknown },
        };
    }

    /// <summary>
    /// Checks a password with the number's failed-login count (<see cref="LoginFailurePolicy"/>):
    /// the attempt is counted before the check, a locked number is refused without one, and the right
    /// password forgets the count. Numbers nobody has (and numbers of no cell, which login sends here
    /// too) are counted and locked the same way, so the answers never tell whether a number exists.
    /// </summary>
    public override async Task<AuthenticateReply> Authenticate(AuthenticateRequest request, ServerCallContext context)
    {
        var attempt = await failures.ReserveAsync(request.UserId, context.CancellationToken);
        if (!attempt.Admitted)
        {
            return new AuthenticateReply { Ok = false, LockedMs = Math.Max(1, attempt.LockedMs) };
        }

        var account = await accounts.AuthenticateAsync(request.UserId, request.Password, context.CancellationToken);
        if (account is null)
        {
            if (attempt.Locks)
            {
                Locked(logger, request.UserId, attempt.State.Failures, (attempt.State.LockedUntilMs - attempt.State.LastFailureMs) / 1000.0);
            }

            return new AuthenticateReply { Ok = false };
        }

        // Not cancellable: once the password matched, the count must go even if the caller has gone.
        await failures.ClearAsync(request.UserId, CancellationToken.None);
        return new AuthenticateReply { Ok = true, Name = account.Name };
    }

    public override Task<WhereReply> Where(WhereRequest request, ServerCallContext context) =>
        whereLookup.AnswerAsync(request, context.CancellationToken);

    private static RegisterReply Invalid(string message) => new() { Result = RegisterReply.Types.Result.Invalid, Message = message };

    [LoggerMessage(1, LogLevel.Information, "Registered user {UserId} ({Name})")]
    private static partial void Registered(ILogger logger, ulong userId, string name);

    [LoggerMessage(2, LogLevel.Warning, "Cell {Cell} has no free number left")]
    private static partial void RangeFull(ILogger logger, string cell);

    [LoggerMessage(3, LogLevel.Information, "Registration request {RequestId} repeated: user {UserId} registered before")]
    private static partial void Replayed(ILogger logger, ulong userId, string requestId);

    [LoggerMessage(4, LogLevel.Warning, "Number {UserId} locked for {Seconds} s after {Failures} failed logins in a row")]
    private static partial void Locked(ILogger logger, ulong userId, int failures, double seconds);
}
