using Grpc.Core;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Protos.Login;
using ImCells.Protos.Topology;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Login;

/// <summary>The look-ups: where a user is, and the cells' status.</summary>
internal sealed partial class LoginGrpcService
{
    public override async Task<WhereReply> Where(WhereRequest request, ServerCallContext context)
    {
        var home = topology.Current.Locate(request.UserId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no cell owns number {request.UserId}"));
        CellProto.WhereReply reply;
        try
        {
            reply = await channels.Client<CellProto.CellAccounts.CellAccountsClient>(home.Grpc).WhereAsync(new CellProto.WhereRequest { UserId = request.UserId }, deadline: Deadlines.Short, cancellationToken: context.CancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"home cell '{home.Id}' is unreachable"));
        }

        if (!reply.Exists)
        {
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

        var map = topology.Current;
        var statuses = await Task.WhenAll(map.Map.Cells.Select(c => CellStatusAsync(c, context.CancellationToken)));
        var reply = new StatusReply { TopologyVersion = map.Version };
        reply.Cells.AddRange(statuses);
        return reply;
    }

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
}
