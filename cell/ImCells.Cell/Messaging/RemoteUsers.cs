using Grpc.Core;
using ImCells.Common.Grpc;
using ImCells.Common.Hosting;
using ImCells.Protos.Cell;
using ImCells.Protos.Topology;
using ImCells.Registry.Vlr;

namespace ImCells.Cell.Messaging;

/// <summary>Looks up users homed in other cells through the VLR, asking the home cell on a miss.</summary>
internal sealed class RemoteUsers(VisitorCache vlr, ChannelPool channels)
{
    /// <summary>The user's record, or null when the home cell cannot be asked right now.</summary>
    public Task<VisitorRecord?> LookupAsync(CellInfo home, ulong userId, CancellationToken cancellationToken) =>
        vlr.GetOrFetchAsync(userId, async id =>
        {
            try
            {
                var reply = await channels.Cell(home.Grpc).LookupUserAsync(new LookupUserRequest { UserId = id },
                    deadline: Deadlines.Short, cancellationToken: cancellationToken);
                return new VisitorRecord(id, home.Id, reply.Exists, reply.Name);
            }
            catch (RpcException)
            {
                return null;
            }
        });
}
