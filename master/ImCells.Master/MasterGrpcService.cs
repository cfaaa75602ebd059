using Grpc.Core;
using ImCells.Protos.Master;
using ImCells.Server.Security;
using ImCells.Trust;

namespace ImCells.Master;

/// <summary>"Which cell owns this number?" and the whole versioned map; nothing about users. For every process of the cluster.</summary>
[CallableBy(ClusterRole.Login, ClusterRole.Cell, ClusterRole.Chat, ClusterRole.Operator)]
internal sealed class MasterGrpcService(TopologyStore store) : Protos.Master.Master.MasterBase
{
    public override Task<GetTopologyReply> GetTopology(GetTopologyRequest request, ServerCallContext context)
    {
        var current = store.Current;
        var reply = new GetTopologyReply { Version = current.Version };
        if (current.Version > request.SinceVersion)
        {
            reply.Map = current.Map;
        }

        return Task.FromResult(reply);
    }

    public override Task<LocateReply> Locate(LocateRequest request, ServerCallContext context)
    {
        var current = store.Current;
        var cell = request.Group ? current.LocateGroup(request.UserId) : current.Locate(request.UserId);
        return Task.FromResult(cell is null
            ? new LocateReply { Found = false, Version = current.Version }
            : new LocateReply { Found = true, CellId = cell.Id, Grpc = cell.Grpc, Version = current.Version });
    }
}
