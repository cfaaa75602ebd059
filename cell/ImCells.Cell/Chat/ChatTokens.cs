using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Protos.Client;

namespace ImCells.Cell.Chat;

/// <summary>
/// Checks the token of an Auth frame without a round trip: signature, age and expiry, that it was
/// issued for this cell as the serving cell, that the user really is homed where the token says,
/// and, for a user homed in this cell, that no logout revoked it since it was issued. Only the
/// cell process holds its users' revocations (<paramref name="revocations"/>); an extra chat
/// server or another cell leaves that check to the home cell, which every device's requests reach.
/// </summary>
internal sealed class ChatTokens(TokenService tokens, TopologyCache topology, CellIdentity self, TokenRevocations? revocations = null)
{
    public ChatIdentity Verify(Auth auth, string servingCell)
    {
        switch (tokens.Verify(auth.Token, out var claims))
        {
            case TokenCheck.Valid:
                break;
            case TokenCheck.Expired:
                throw new ChatRequestException(ErrorCode.BadToken, "token expired; log in again");
            case TokenCheck.TooOld:
                throw new ChatRequestException(ErrorCode.BadToken,
                    $"token was issued more than {tokens.MaxAge.TotalHours:0.##} h ago (Token:MaxAgeHours); log in again");
            case TokenCheck.IssuedInFuture:
                throw new ChatRequestException(ErrorCode.BadToken, "token is issued in the future; the clocks of login and this cell disagree");
            default:
                throw new ChatRequestException(ErrorCode.BadToken, "token is not valid");
        }

        if (claims!.ServingCell != servingCell)
        {
            throw new ChatRequestException(ErrorCode.BadToken, $"token is for cell '{claims.ServingCell}', this is cell '{servingCell}'");
        }

        if (topology.Current.Locate(claims.UserId)?.Id != claims.HomeCell)
        {
            throw new ChatRequestException(ErrorCode.BadToken, $"user {claims.UserId} is not homed in cell '{claims.HomeCell}'");
        }

        if (auth.DeviceId.Length > 0 && auth.DeviceId != claims.DeviceId)
        {
            throw new ChatRequestException(ErrorCode.BadToken, "device id differs from the token's");
        }

        if (revocations is not null && claims.HomeCell == self.Id && revocations.IsRevoked(claims.UserId, claims.DeviceId, claims.IssuedAt))
        {
            throw new ChatRequestException(ErrorCode.BadToken, "token was revoked; log in again");
        }

        return new ChatIdentity(claims.UserId, claims.DeviceId, claims.HomeCell);
    }
}
