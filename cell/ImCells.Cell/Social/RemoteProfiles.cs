using Grpc.Core;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Protos.Cell;
using ImCells.Protos.Topology;
using ImCells.Registry.Vlr;

namespace ImCells.Cell.Social;

/// <summary>
/// Profiles of users homed in other cells, through the VLR: a miss (or an entry that holds only
/// the existence of the number) asks the home cell's GetProfile with watch, which registers this
/// cell for invalidation when that profile changes.
/// </summary>
internal sealed class RemoteProfiles(CellIdentity self, VisitorCache vlr, ChannelPool channels)
{
    /// <summary>The user's record with its profile (or Exists=false), or null when the home cell cannot be asked right now.</summary>
    public async Task<VisitorRecord?> LookupAsync(CellInfo home, ulong userId, CancellationToken cancellationToken)
    {
        if (vlr.TryGet(userId, out var cached) && cached is not null && (!cached.Exists || cached.Profile is not null))
        {
            return cached;
        }

        try
        {
            var reply = await channels.Client<SocialPeering.SocialPeeringClient>(home.Grpc).GetProfileAsync(
                new GetProfileRequest { UserId = userId, FromCell = self.Id, Watch = true },
                deadline: Deadlines.Short, cancellationToken: cancellationToken);
            var record = new VisitorRecord(userId, home.Id, reply.Exists, reply.Profile?.Name ?? "", reply.Exists ? reply.Profile : null)
            {
                Friends = cached?.Friends ?? [],
            };
            vlr.Set(record);
            return record;
        }
        catch (RpcException)
        {
            return null;
        }
    }

    /// <summary>The home cell says the profile changed: forget it.</summary>
    public void Invalidate(ulong userId) => vlr.Invalidate(userId);
}
