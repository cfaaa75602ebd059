using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Messaging;
using ImCells.Cell.Presence;
using ImCells.Cell.Roaming;
using ImCells.Cell.Social;
using ImCells.Topology;
using ImCells.Protos.Cell;
using ImCells.Registry.Hlr;
using DeliverResult = ImCells.Protos.Cell.DeliverResult;

namespace ImCells.Cell.Grpc;

/// <summary>The cell's gRPC face: accounts for login servers, routing for other cells, status for operators.</summary>
internal sealed partial class CellGrpcService(
    CellIdentity self,
    TopologyCache topology,
    AccountStore accounts,
    MailboxStore mailboxes,
    SessionRegistry sessions,
    Notifier notifier,
    ReadReceipts receipts,
    SocialService socialService,
    RemoteUsers remoteUsers,
    RemotePresence remotePresence,
    PresenceFanout fanout,
    HomeRoaming homeRoaming,
    ILogger<CellGrpcService> logger) : Protos.Cell.Cell.CellBase
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

    public override async Task<LookupUserReply> LookupUser(LookupUserRequest request, ServerCallContext context)
    {
        var account = await accounts.FindAsync(request.UserId, context.CancellationToken);
        return account is null ? new LookupUserReply { Exists = false } : new LookupUserReply { Exists = true, Name = account.Name };
    }

    public override async Task<DeliverReply> Deliver(DeliverRequest request, ServerCallContext context)
    {
        var map = topology.Current;
        var reply = new DeliverReply();
        var accepted = new List<Registry.Hlr.RoutedMessage>(request.Messages.Count);
        foreach (var m in request.Messages)
        {
            if (map.Locate(m.To)?.Id != self.Id)
            {
                // Topology disagreement: refuse rather than store a mailbox for a number we do not own.
                reply.Results.Add(new DeliverResult { MessageId = m.MessageId, Outcome = DeliverResult.Types.Outcome.Refused, Reason = $"number {m.To} is not homed in cell '{self.Id}'" });
                continue;
            }

            accepted.Add(new Registry.Hlr.RoutedMessage(m.MessageId, m.From, m.To, m.Text, m.SentAtMs));
        }

        var results = await mailboxes.DeliverAsync(accepted,
            rs => notifier.NewEntries(rs.Where(r => r.Appended is not null).Select(r => r.Appended!)),
            CancellationToken.None);
        foreach (var r in results)
        {
            reply.Results.Add(new DeliverResult
            {
                MessageId = r.MessageId,
                Seq = r.Seq,
                Outcome = r.Outcome switch
                {
                    DeliverOutcome.Stored => DeliverResult.Types.Outcome.Stored,
                    DeliverOutcome.Blocked => DeliverResult.Types.Outcome.Blocked,
                    DeliverOutcome.NotFriends => DeliverResult.Types.Outcome.NotFriends,
                    _ => DeliverResult.Types.Outcome.UnknownRecipient,
                },
            });
        }

        Delivered(logger, results.Count(r => r.Appended is not null), request.Messages.Count, request.FromCell);
        return reply;
    }

    public override async Task<StatusReply> Status(StatusRequest request, ServerCallContext context)
    {
        if (request.CollectGarbage)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var byHome = sessions.CountByHome(self.Id);
        return new StatusReply
        {
            CellId = self.Id,
            Pid = Environment.ProcessId,
            RssBytes = (ulong)process.WorkingSet64,
            ManagedHeapBytes = (ulong)GC.GetTotalMemory(forceFullCollection: false),
            Connections = (uint)sessions.Connections,
            OnlineUsers = (uint)sessions.OnlineUsers,
            Users = (ulong)await accounts.CountAsync(context.CancellationToken),
            TopologyVersion = topology.Current.Version,
            OutboxPending = (ulong)await mailboxes.OutboxPendingAsync(context.CancellationToken),
            VlrEntries = (uint)remoteUsers.Cached,
            PresenceChangeCalls = { fanout.ChangeCalls.ToDictionary() },
            HomeUsersHere = (uint)byHome.HomeUsers,
            Visitors = { byHome.Visitors },
        };
    }

    public override async Task<VisitorAttachReply> VisitorAttach(VisitorAttachRequest request, ServerCallContext context)
    {
        RequireHomedHere(request.UserId);
        return await homeRoaming.AttachAsync(request, context.CancellationToken);
    }

    public override async Task<VisitorDetachReply> VisitorDetach(VisitorDetachRequest request, ServerCallContext context)
    {
        await homeRoaming.DetachAsync(request, context.CancellationToken);
        return new VisitorDetachReply();
    }

    public override async Task<VisitorRefreshReply> VisitorRefresh(VisitorRefreshRequest request, ServerCallContext context)
    {
        await homeRoaming.RefreshAsync(request, context.CancellationToken);
        return new VisitorRefreshReply();
    }

    public override async Task<VisitorCallReply> VisitorCall(VisitorCallRequest request, ServerCallContext context) =>
        new() { Response = await homeRoaming.CallAsync(request, context.CancellationToken) };

    public override Task<PushToVisitorsReply> PushToVisitors(PushToVisitorsRequest request, ServerCallContext context) =>
        Task.FromResult(VisitorPushes.Deliver(sessions, request));

    public override async Task<WhereReply> Where(WhereRequest request, ServerCallContext context) =>
        topology.Current.Locate(request.UserId)?.Id == self.Id && await accounts.FindAsync(request.UserId, context.CancellationToken) is not null
            ? homeRoaming.Where(request.UserId)
            : new WhereReply { Exists = false };

    private void RequireHomedHere(ulong user)
    {
        if (topology.Current.Locate(user)?.Id != self.Id)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"user {user} is not homed in cell '{self.Id}'"));
        }
    }

    public override Task<GetProfileReply> GetProfile(GetProfileRequest request, ServerCallContext context) =>
        socialService.ServeProfileAsync(request, context.CancellationToken);

    public override Task<InvalidateProfilesReply> InvalidateProfiles(InvalidateProfilesRequest request, ServerCallContext context)
    {
        foreach (var user in request.UserIds)
        {
            remoteUsers.Invalidate(user);
        }

        return Task.FromResult(new InvalidateProfilesReply());
    }

    public override async Task<FriendUpdateReply> FriendUpdate(FriendUpdateRequest request, ServerCallContext context)
    {
        if (topology.Current.Locate(request.To)?.Id != self.Id)
        {
            return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.NotFound, Message = $"number {request.To} is not homed in cell '{self.Id}'" };
        }

        return await socialService.ApplyUpdateAsync(request, context.CancellationToken);
    }

    public override Task<PresenceBatchReply> PresenceBatch(PresenceBatchRequest request, ServerCallContext context)
    {
        remotePresence.Apply(request);
        return Task.FromResult(new PresenceBatchReply());
    }

    public override async Task<ReadReceiptsReply> ReadReceipts(ReadReceiptsRequest request, ServerCallContext context)
    {
        foreach (var receipt in request.Receipts)
        {
            await receipts.DeliverLocalAsync(receipt.Reader, receipt.Sender, receipt.MessageId, receipt.ReadAtMs, context.CancellationToken);
        }

        return new ReadReceiptsReply();
    }

    private static RegisterReply Invalid(string message) => new() { Result = RegisterReply.Types.Result.Invalid, Message = message };

    [LoggerMessage(1, LogLevel.Information, "Registered user {UserId} ({Name})")]
    private static partial void Registered(ILogger logger, ulong userId, string name);

    [LoggerMessage(2, LogLevel.Warning, "Cell {Cell} has no free number left")]
    private static partial void RangeFull(ILogger logger, string cell);

    [LoggerMessage(3, LogLevel.Debug, "Deliver from cell {FromCell}: {New} new of {Count}")]
    private static partial void Delivered(ILogger logger, int @new, int count, string fromCell);
}
