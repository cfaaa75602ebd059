using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Roaming;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Topology;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// The front door for this cell's users whose devices are attached elsewhere (another cell, or
/// one of this cell's chat servers): location updates, and their requests executed here against
/// the home HLR like those of a device connected here.
/// </summary>
internal sealed class HomeLocationService(
    CellIdentity self,
    TopologyCache topology,
    HomeRoaming homeRoaming,
    RequestHandler handler) : HomeLocation.HomeLocationBase
{
    public override async Task<VisitorAttachReply> VisitorAttach(VisitorAttachRequest request, ServerCallContext context)
    {
        if (topology.Current.Locate(request.UserId)?.Id != self.Id)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"user {request.UserId} is not homed in cell '{self.Id}'"));
        }

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

    public override async Task<VisitorCallReply> VisitorCall(VisitorCallRequest request, ServerCallContext context)
    {
        if (!homeRoaming.IsAttached(request.UserId, request.DeviceId, request.ServingCell))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"device {request.DeviceId} of {request.UserId} is not attached at cell '{request.ServingCell}'"));
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
}
