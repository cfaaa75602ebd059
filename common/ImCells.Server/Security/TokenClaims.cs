namespace ImCells.Server.Security;

/// <summary>What a login token vouches for; a chat server trusts it without a round trip.</summary>
public sealed record TokenClaims(
    ulong UserId,
    string DeviceId,
    string HomeCell,
    string ServingCell,
    DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// When the token was signed (millisecond precision). Set by <see cref="TokenService.Verify"/>;
    /// <see cref="TokenService.Issue"/> ignores it and stamps its own clock's time.
    /// </summary>
    public DateTimeOffset IssuedAt { get; init; }
}

public enum TokenCheck
{
    Valid,
    Malformed,
    BadSignature,
    Expired,

    /// <summary>Issued longer ago than the maximum token age, whatever its expiry says.</summary>
    TooOld,

    /// <summary>Issued further in the future than clocks may disagree.</summary>
    IssuedInFuture,
}
