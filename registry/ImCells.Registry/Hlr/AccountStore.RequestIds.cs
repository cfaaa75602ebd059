using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>What a registration came to.</summary>
public enum RegistrationOutcome
{
    /// <summary>A new account.</summary>
    Created,

    /// <summary>The request id was registered before, with this name and password: the first account.</summary>
    Replayed,

    /// <summary>Every range is full.</summary>
    RangeFull,

    /// <summary>The request id was registered before with another name or password: nothing allocated.</summary>
    RequestIdTaken,
}

/// <summary>A registration's outcome and, when created or replayed, the account.</summary>
public readonly record struct Registration(RegistrationOutcome Outcome, UserAccount? Account);

/// <summary>Registrations made with a client request id, remembered for a while so a retry gets the first number.</summary>
public sealed partial class AccountStore
{
    /// <summary>
    /// The registration made under <paramref name="requestId"/>: <see cref="RegistrationOutcome.Replayed"/>
    /// when <paramref name="name"/> and <paramref name="password"/> are the first request's,
    /// <see cref="RegistrationOutcome.RequestIdTaken"/> otherwise; null when this HLR knows no such request.
    /// </summary>
    public async Task<Registration?> FindRegistrationAsync(string requestId, string name, string password, CancellationToken cancellationToken)
    {
        var row = await database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<(long UserId, string Name, string? Hash)?>(
            """
            SELECT r.user_id, r.name, u.password_hash FROM registration_requests r
            LEFT JOIN users u ON u.id = r.user_id WHERE r.request_id = @requestId
            """, new { requestId }), cancellationToken);
        if (row is not { } first)
        {
            return null;
        }

        // The password is checked too: knowing someone's request id must not reveal their number.
        return SameName(first.Name, name) && first.Hash is not null && PasswordHasher.Verify(password, first.Hash)
            ? new Registration(RegistrationOutcome.Replayed, new UserAccount((ulong)first.UserId, first.Name))
            : new Registration(RegistrationOutcome.RequestIdTaken, null);
    }

    /// <summary>Forgets request ids recorded before <paramref name="beforeMs"/> (Unix ms); returns how many.</summary>
    public Task<int> PurgeRegistrationRequestsAsync(long beforeMs, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM registration_requests WHERE created_at_ms < @beforeMs", new { beforeMs }, transaction), null, cancellationToken);

    /// <summary>
    /// Names compare as registration stores them: trimmed. (When registration normalises names
    /// further, this must apply the same rule to the retry's name.)
    /// </summary>
    private static bool SameName(string stored, string given) =>
        string.Equals(stored.Trim(), given.Trim(), StringComparison.Ordinal);
}
