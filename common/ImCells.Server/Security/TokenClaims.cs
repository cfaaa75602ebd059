namespace ImCells.Server.Security;

/// <summary>What a login token vouches for; a chat server trusts it without a round trip.</summary>
public sealed record TokenClaims(
    ulong UserId,
    string DeviceId,
    string HomeCell,
    string ServingCell,
    DateTimeOffset ExpiresAt);

public enum TokenCheck
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
}
