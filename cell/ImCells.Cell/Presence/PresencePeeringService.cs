using Grpc.Core;
using ImCells.Protos.Cell;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.Presence;

/// <summary>
/// The receiving half of presence across cells: another cell's users, for their friends homed
/// here. A cell reports only its own users.
/// </summary>
[CallableBy(ClusterRole.Cell)]
internal sealed class PresencePeeringService(RemotePresence remotePresence, TopologyCache topology, TrustRefusals refusals) : PresencePeering.PresencePeeringBase
{
    public override Task<PresenceBatchReply> PresenceBatch(PresenceBatchRequest request, ServerCallContext context)
    {
        context.CellSpeakingForOwnUsers(refusals, topology.Current, request.FromCell, request.Items.Select(i => i.User), "presence");
        remotePresence.Apply(request);
        return Task.FromResult(new PresenceBatchReply());
    }
}
