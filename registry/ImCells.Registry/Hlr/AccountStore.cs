using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>A user as the HLR knows it.</summary>
public sealed record UserAccount(ulong Id, string Name);

/// <summary>Accounts: number allocation, password check, look-up.</summary>
public sealed partial class AccountStore(HlrDatabase database, HlrOptions options)
{
    public const int MaxNameLength = 64;
    public const int MaxPasswordLength = 256;

    // Verifying against this keeps an unknown number as slow as a wrong password (no account probing).
    private readonly Lazy<string> _decoyHash = new(() => PasswordHasher.Hash(Guid.NewGuid().ToString(), options.PasswordIterations));

    /// <summary>
    /// Allocates the lowest free number after the highest one used in the first range with room;
    /// returns null when every range is full. Runs on the write turn, so two registrations never
    /// get the same number.
    /// </summary>
    public async Task<UserAccount?> RegisterAsync(
        string name, string password, IReadOnlyList<(ulong First, ulong Last)> ranges, CancellationToken cancellationToken) =>
        (await RegisterAsync(name, password, ranges, null, cancellationToken)).Account;

    /// <summary>
    /// As <see cref="RegisterAsync(string, string, IReadOnlyList{ValueTuple{ulong, ulong}}, CancellationToken)"/>; with a
    /// <paramref name="requestId"/>, a request this HLR has seen returns the first number instead
    /// (<see cref="RegistrationOutcome.Replayed"/>), or <see cref="RegistrationOutcome.RequestIdTaken"/>
    /// when its name or password differ. The id is recorded in the same transaction as the account.
    /// </summary>
    public async Task<Registration> RegisterAsync(
        string name, string password, IReadOnlyList<(ulong First, ulong Last)> ranges, string? requestId, CancellationToken cancellationToken)
    {
        if (requestId is not null && await FindRegistrationAsync(requestId, name, password, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        // The slow hash runs before the write turn so registrations do not queue behind it.
        var hash = PasswordHasher.Hash(password, options.PasswordIterations);
        var created = await database.WriteAsync(async (connection, transaction) =>
        {
            if (requestId is not null && await connection.ExecuteScalarAsync<long?>(
                    "SELECT user_id FROM registration_requests WHERE request_id = @requestId", new { requestId }, transaction) is not null)
            {
                return (Account: (UserAccount?)null, Raced: true);
            }

            foreach (var (first, last) in ranges)
            {
                var highest = await connection.ExecuteScalarAsync<long?>(
                    "SELECT MAX(id) FROM users WHERE id BETWEEN @first AND @last",
                    new { first = (long)first, last = (long)last }, transaction);
                var next = highest is null ? first : (ulong)highest.Value + 1;
                if (next > last)
                {
                    continue;
                }

                var row = new { id = (long)next, name, hash, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), requestId };
                await connection.ExecuteAsync(
                    "INSERT INTO users (id, name, password_hash, head_seq, created_at_ms) VALUES (@id, @name, @hash, 0, @now)", row, transaction);
                if (requestId is not null)
                {
                    await connection.ExecuteAsync(
                        "INSERT INTO registration_requests (request_id, user_id, name, created_at_ms) VALUES (@requestId, @id, @name, @now)", row, transaction);
                }

                // Guesses at the number before it existed do not lock its new owner out.
                await connection.ExecuteAsync("DELETE FROM login_failures WHERE user_id = @id", row, transaction);
                return (Account: new UserAccount(next, name), Raced: false);
            }

            return (Account: null, Raced: false);
        }, null, cancellationToken);

        if (created.Raced)
        {
            // The same request committed while this one hashed: answer as the first one did.
            return await FindRegistrationAsync(requestId!, name, password, cancellationToken)
                ?? throw new InvalidOperationException($"registration request '{requestId}' vanished while being registered");
        }

        return created.Account is { } account
            ? new Registration(RegistrationOutcome.Created, account)
            : new Registration(RegistrationOutcome.RangeFull, null);
    }

    /// <summary>The account when the password matches; null for a wrong password or unknown number alike.</summary>
    public async Task<UserAccount?> AuthenticateAsync(ulong userId, string password, CancellationToken cancellationToken)
    {
        var row = await database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<(string Name, string Hash)?>(
            "SELECT name AS Name, password_hash AS Hash FROM users WHERE id = @id", new { id = (long)userId }), cancellationToken);
        if (row is null)
        {
            PasswordHasher.Verify(password, _decoyHash.Value);
            return null;
        }

        return PasswordHasher.Verify(password, row.Value.Hash) ? new UserAccount(userId, row.Value.Name) : null;
    }

    public Task<UserAccount?> FindAsync(ulong userId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
        {
            var name = await connection.ExecuteScalarAsync<string?>("SELECT name FROM users WHERE id = @id", new { id = (long)userId });
            return name is null ? null : new UserAccount(userId, name);
        }, cancellationToken);

    public Task<long> CountAsync(CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"), cancellationToken);
}
