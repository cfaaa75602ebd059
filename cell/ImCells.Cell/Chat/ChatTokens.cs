using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Protos.Client;

namespace ImCells.Cell.Chat;

/// <summary>
/// Checks the token of an Auth frame without a round trip: signature, expiry, that it was issued
/// for this cell as the serving cell, and that the user really is homed where the token says.
/// </summary>
internal sealed class ChatTokens(TokenService tokens, TopologyCache topology)
{
    public ChatIdentity Verify(Auth auth, string servingCell)
    {
        switch (tokens.Verify(auth.Token, out var claims))
        {
            case TokenCheck.Valid:
                break;
            case TokenCheck.Expired:
                throw new ChatRequestException(ErrorCode.BadToken, "token expired; log in again");
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

        return new ChatIdentity(claims.UserId, claims.DeviceId, claims.HomeCell);
    }
}
