using Grpc.Core;
using ImCells.Protos.Cell;

namespace ImCells.Cell.Presence;

/// <summary>The receiving half of presence across cells: another cell's users, for their friends homed here.</summary>
internal sealed class PresencePeeringService(RemotePresence remotePresence) : PresencePeering.PresencePeeringBase
{
    public override Task<PresenceBatchReply> PresenceBatch(PresenceBatchRequest request, ServerCallContext context)
    {
        remotePresence.Apply(request);
        return Task.FromResult(new PresenceBatchReply());
    }
}
