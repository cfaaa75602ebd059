using Grpc.Core;
using ImCells.Cell.Delivery;
using ImCells.Protos.Cell;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.FrontDoor;

/// <summary>An extra chat server's Status: its connections, which login servers use as its load.</summary>
[CallableBy(ClusterRole.Login, ClusterRole.Operator)]
internal sealed class ChatServerAdminService(CellIdentity self, TopologyCache topology, SessionRegistry sessions, TrustRefusals refusals) : CellAdmin.CellAdminBase
{
    public override Task<StatusReply> Status(StatusRequest request, ServerCallContext context)
    {
        var reply = ProcessStatus.Of(self.ServingId, request, context, refusals);
        reply.Connections = (uint)sessions.Connections;
        reply.OnlineUsers = (uint)sessions.OnlineUsers;
        reply.TopologyVersion = topology.Current.Version;
        return Task.FromResult(reply);
    }
}
