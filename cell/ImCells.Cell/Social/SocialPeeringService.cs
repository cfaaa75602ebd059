using Grpc.Core;
using ImCells.Protos.Cell;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.Social;

/// <summary>
/// The receiving half of the social features across cells: profiles asked of the home cell,
/// invalidations, friend updates. A cell watches, invalidates and acts only as itself and for its own users.
/// </summary>
[CallableBy(ClusterRole.Cell)]
internal sealed class SocialPeeringService(
    CellIdentity self,
    TopologyCache topology,
    SocialService socialService,
    RemoteUsers remoteUsers,
    TrustRefusals refusals) : SocialPeering.SocialPeeringBase
{
    public override Task<GetProfileReply> GetProfile(GetProfileRequest request, ServerCallContext context)
    {
        var caller = context.CallingCell(refusals);
        if (request.FromCell.Length > 0)
        {
            context.RequireSelfNamed(refusals, caller, request.FromCell);
        }

        return socialService.ServeProfileAsync(request, context.CancellationToken);
    }

    public override Task<InvalidateProfilesReply> InvalidateProfiles(InvalidateProfilesRequest request, ServerCallContext context)
    {
        context.CellSpeakingForOwnUsers(refusals, topology.Current, request.FromCell, request.UserIds, "profile invalidation");
        foreach (var user in request.UserIds)
        {
            remoteUsers.Invalidate(user);
        }

        return Task.FromResult(new InvalidateProfilesReply());
    }

    public override async Task<FriendUpdateReply> FriendUpdate(FriendUpdateRequest request, ServerCallContext context)
    {
        var caller = context.CallingCell(refusals);
        context.RequireOwnUsers(refusals, topology.Current, caller, [request.From], "friend update");
        if (topology.Current.Locate(request.To)?.Id != self.Id)
        {
            return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.NotFound, Message = $"number {request.To} is not homed in cell '{self.Id}'" };
        }

        return await socialService.ApplyUpdateAsync(request, context.CancellationToken);
    }
}
