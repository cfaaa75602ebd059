using Grpc.Core;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Protos.Cell;
using ImCells.Protos.Topology;
using ImCells.Registry.Vlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Users homed in other cells, through the VLR: a miss asks the home cell's GetProfile, which also
/// registers this cell for invalidation when that profile changes.
/// </summary>
internal sealed class RemoteUsers(CellIdentity self, VisitorCache vlr, ChannelPool channels)
{
    /// <summary>The user's record, or null when the home cell cannot be asked right now.</summary>
    public Task<VisitorRecord?> LookupAsync(CellInfo home, ulong userId, CancellationToken cancellationToken) =>
        vlr.GetOrFetchAsync(userId, async id =>
        {
            try
            {
                var reply = await channels.Cell(home.Grpc).GetProfileAsync(new GetProfileRequest { UserId = id, FromCell = self.Id },
                    deadline: Deadlines.Short, cancellationToken: cancellationToken);
                return new VisitorRecord(id, home.Id, reply.Exists, reply.Profile?.Name ?? "", reply.Exists ? reply.Profile : null);
            }
            catch (RpcException)
            {
                return null;
            }
        });

    public void Invalidate(ulong userId) => vlr.Invalidate(userId);

    public int Cached => vlr.Count;
}
