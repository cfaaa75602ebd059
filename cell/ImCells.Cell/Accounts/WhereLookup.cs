using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Roaming;
using ImCells.Protos.Cell;
using ImCells.Registry.Hlr;
using ImCells.Topology;

namespace ImCells.Cell.Accounts;

/// <summary>
/// The home cell's answer to "where is user N?" for a signed-in asker (the login server checked the
/// token's signature and age). A token that a logout revoked is refused here when the asker is homed
/// here. The user itself sees all of its devices; a user who blocked the asker, or who accepts
/// friends only and has not befriended the asker, answers exactly as a number nobody holds.
/// </summary>
internal sealed class WhereLookup(CellIdentity self, TopologyCache topology, SocialStore social, TokenRevocations revocations, HomeRoaming homeRoaming)
{
    public async Task<WhereReply> AnswerAsync(WhereRequest request, CancellationToken cancellationToken)
    {
        if (request.Asker == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "a look-up needs the signed-in user asking (asker)"));
        }

        var map = topology.Current;
        if (map.Locate(request.Asker)?.Id == self.Id
            && revocations.IsRevoked(request.Asker, request.AskerDevice, DateTimeOffset.FromUnixTimeMilliseconds(request.AskerTokenIssuedMs)))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "token was revoked; log in again"));
        }

        if (map.Locate(request.UserId)?.Id != self.Id || await social.GetProfileAsync(request.UserId, cancellationToken) is not { } profile)
        {
            return Nobody();
        }

        if (request.Asker != request.UserId && !await MaySeeAsync(profile, request.Asker, cancellationToken))
        {
            return Nobody();
        }

        return homeRoaming.Where(request.UserId);
    }

    /// <summary>Whether <paramref name="asker"/> may see where <paramref name="user"/> is: not blocked, and a friend if the user accepts friends only.</summary>
    private async Task<bool> MaySeeAsync(ProfileRecord user, ulong asker, CancellationToken cancellationToken) =>
        !await social.IsBlockedAsync(user.UserId, asker, cancellationToken)
        && (!user.OnlyFriends || await social.AreFriendsAsync(user.UserId, asker, cancellationToken));

    // The same answer for a hidden user as for a free number: nothing tells them apart.
    private static WhereReply Nobody() => new() { Exists = false };
}
