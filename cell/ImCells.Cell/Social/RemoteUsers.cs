using Grpc.Core;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Protos.Cell;
using ImCells.Protos.Topology;
using ImCells.Registry.Vlr;

namespace ImCells.Cell.Social;

/// <summary>
/// Users homed in other cells, through the VLR. A profile is fetched with watch (the home cell
/// then invalidates this cell's copy when it changes); an existence check before a send is not,
/// so a send does not subscribe this cell to the recipient's profile: such an entry holds the
/// existence only (numbers are never reused), and a later profile read fetches the profile.
/// </summary>
internal sealed class RemoteUsers(CellIdentity self, VisitorCache vlr, ChannelPool channels)
{
    /// <summary>Whether the number exists; null when its home cell cannot be asked right now.</summary>
    public async Task<bool?> ExistsAsync(CellInfo home, ulong userId, CancellationToken cancellationToken) =>
        vlr.TryGet(userId, out var cached) && cached is not null
            ? cached.Exists
            : (await FetchAsync(home, userId, watch: false, cached, cancellationToken))?.Exists;

    /// <summary>The user's record with its profile (or Exists=false); null when its home cell cannot be asked right now.</summary>
    public async Task<VisitorRecord?> ProfileAsync(CellInfo home, ulong userId, CancellationToken cancellationToken) =>
        vlr.TryGet(userId, out var cached) && cached is not null && (!cached.Exists || cached.Profile is not null)
            ? cached
            : await FetchAsync(home, userId, watch: true, cached, cancellationToken);

    /// <summary>The home cell says the profile changed: forget it.</summary>
    public void Invalidate(ulong userId) => vlr.Invalidate(userId);

    private async Task<VisitorRecord?> FetchAsync(CellInfo home, ulong userId, bool watch, VisitorRecord? cached, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await channels.Client<SocialPeering.SocialPeeringClient>(home.Grpc).GetProfileAsync(
                new GetProfileRequest { UserId = userId, FromCell = self.Id, Watch = watch },
                deadline: Deadlines.Short, cancellationToken: cancellationToken);
            var record = new VisitorRecord(userId, home.Id, reply.Exists, reply.Profile?.Name ?? "", watch && reply.Exists ? reply.Profile : null)
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
}
