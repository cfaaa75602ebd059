using Grpc.Core;
using ImCells.Protos.Cell;
using ImCells.Topology;

namespace ImCells.Cell.Social;

/// <summary>The receiving half of the social features across cells: profiles asked of the home cell, invalidations, friend updates.</summary>
internal sealed class SocialPeeringService(
    CellIdentity self,
    TopologyCache topology,
    SocialService socialService,
    RemoteUsers remoteUsers) : SocialPeering.SocialPeeringBase
{
    public override Task<GetProfileReply> GetProfile(GetProfileRequest request, ServerCallContext context) =>
        socialService.ServeProfileAsync(request, context.CancellationToken);

    public override Task<InvalidateProfilesReply> InvalidateProfiles(InvalidateProfilesRequest request, ServerCallContext context)
    {
        foreach (var user in request.UserIds)
        {
            remoteUsers.Invalidate(user);
        }

        return Task.FromResult(new InvalidateProfilesReply());
    }

    public override async Task<FriendUpdateReply> FriendUpdate(FriendUpdateRequest request, ServerCallContext context)
    {
        if (topology.Current.Locate(request.To)?.Id != self.Id)
        {
            return new FriendUpdateReply { Result = FriendUpdateReply.Types.Result.NotFound, Message = $"number {request.To} is not homed in cell '{self.Id}'" };
        }

        return await socialService.ApplyUpdateAsync(request, context.CancellationToken);
    }
}
