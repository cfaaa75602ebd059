using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Roaming;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// The front door for this cell's users whose devices are attached elsewhere (another cell, or
/// one of this cell's chat servers): location updates, and their requests executed here against
/// the home HLR like those of a device connected here. The caller must be the serving place the
/// request names, and it acts for a device only with the device's own token, issued for it.
/// </summary>
[CallableBy(ClusterRole.Cell, ClusterRole.Chat)]
internal sealed class HomeLocationService(
    CellIdentity self,
    TopologyCache topology,
    HomeRoaming homeRoaming,
    RequestHandler handler,
    ChatTokens tokens,
    TrustRefusals refusals) : HomeLocation.HomeLocationBase
{
    public override async Task<VisitorAttachReply> VisitorAttach(VisitorAttachRequest request, ServerCallContext context)
    {
        var place = ServingCaller(context, request.ServingCell);
        if (topology.Current.Locate(request.UserId)?.Id != self.Id)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"user {request.UserId} is not homed in cell '{self.Id}'"));
        }

        RequireToken(context, place, request.Token, request.UserId, request.DeviceId);
        return await homeRoaming.AttachAsync(request, context.CancellationToken);
    }

    public override async Task<VisitorDetachReply> VisitorDetach(VisitorDetachRequest request, ServerCallContext context)
    {
        var place = ServingCaller(context, request.ServingCell);
        RequireToken(context, place, request.Token, request.UserId, request.DeviceId);
        await homeRoaming.DetachAsync(request, context.CancellationToken);
        return new VisitorDetachReply();
    }

    public override async Task<VisitorRefreshReply> VisitorRefresh(VisitorRefreshRequest request, ServerCallContext context)
    {
        var place = ServingCaller(context, request.ServingCell);
        await homeRoaming.RefreshAsync(request, device => TokenHolds(place, device.Token, device.UserId, device.DeviceId, out _), context.CancellationToken);
        return new VisitorRefreshReply();
    }

    public override async Task<VisitorCallReply> VisitorCall(VisitorCallRequest request, ServerCallContext context)
    {
        var place = ServingCaller(context, request.ServingCell);
        RequireToken(context, place, request.Token, request.UserId, request.DeviceId);
        if (!homeRoaming.IsAttached(request.UserId, request.DeviceId, place.Id))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"device {request.DeviceId} of {request.UserId} is not attached at '{place.Id}'"));
        }

        Frame response;
        try
        {
            response = await handler.ExecuteAsync(new Caller(request.UserId, request.DeviceId), request.Request, context.CancellationToken);
        }
        catch (ChatRequestException e)
        {
            response = new Frame { Error = new Error { Code = e.Code, Message = e.Message } };
        }

        response.Seq = request.Request.Seq;
        return new VisitorCallReply { Response = response };
    }

    /// <summary>The calling serving place, which must be the one the request names.</summary>
    private ClusterIdentity ServingCaller(ServerCallContext context, string servingCell)
    {
        var caller = context.Caller()!; // the interceptor let only cells and chat servers in
        return caller.Id == servingCell
            ? caller
            : throw refusals.Refuse(context, StatusCode.PermissionDenied, $"'{caller.Id}' may not act as serving place '{servingCell}'");
    }

    private void RequireToken(ServerCallContext context, ClusterIdentity place, string token, ulong user, string device)
    {
        if (!TokenHolds(place, token, user, device, out var problem))
        {
            throw refusals.Refuse(context, StatusCode.Unauthenticated, $"no valid token of user {user} device {device} for '{place.Id}': {problem}");
        }
    }

    /// <summary>Whether <paramref name="token"/> is the device's, issued for this home and for the calling place's cell.</summary>
    private bool TokenHolds(ClusterIdentity place, string token, ulong user, string device, out string problem)
    {
        if (token.Length == 0)
        {
            problem = "none given";
            return false;
        }

        ChatIdentity identity;
        try
        {
            identity = tokens.Verify(new Auth { Token = token, DeviceId = device }, place.CellId);
        }
        catch (ChatRequestException e)
        {
            problem = e.Message;
            return false;
        }

        problem = identity.UserId != user ? $"the token is user {identity.UserId}'s"
            : identity.HomeCell != self.Id ? $"the token names home cell '{identity.HomeCell}'"
            : "";
        return problem.Length == 0;
    }
}
