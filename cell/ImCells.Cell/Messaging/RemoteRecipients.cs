using Grpc.Core;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Protos.Cell;
using ImCells.Protos.Topology;
using ImCells.Registry.Vlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Whether a number homed in another cell exists, through the VLR. A miss asks the home cell
/// without watching the profile: a send does not subscribe this cell to the recipient's profile
/// changes, so what is cached is the existence only (numbers are never reused).
/// </summary>
internal sealed class RemoteRecipients(CellIdentity self, VisitorCache vlr, ChannelPool channels)
{
    /// <summary>True or false from the home cell or the VLR; null when the home cell cannot be asked right now.</summary>
    public async Task<bool?> ExistsAsync(CellInfo home, ulong userId, CancellationToken cancellationToken)
    {
        if (vlr.TryGet(userId, out var cached) && cached is not null)
        {
            return cached.Exists;
        }

        try
        {
            var reply = await channels.Client<SocialPeering.SocialPeeringClient>(home.Grpc).GetProfileAsync(
                new GetProfileRequest { UserId = userId, FromCell = self.Id, Watch = false },
                deadline: Deadlines.Short, cancellationToken: cancellationToken);
            vlr.Set(new VisitorRecord(userId, home.Id, reply.Exists, reply.Profile?.Name ?? ""));
            return reply.Exists;
        }
        catch (RpcException)
        {
            return null;
        }
    }
}
