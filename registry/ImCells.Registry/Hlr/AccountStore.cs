using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>A user as the HLR knows it.</summary>
public sealed record UserAccount(ulong Id, string Name);

/// <summary>Accounts: number allocation, password check, look-up.</summary>
public sealed class AccountStore(HlrDatabase database, HlrOptions options)
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
        string name, string password, IReadOnlyList<(ulong First, ulong Last)> ranges, CancellationToken cancellationToken)
    {
        // The slow hash runs before the write turn so registrations do not queue behind it.
        var hash = PasswordHasher.Hash(password, options.PasswordIterations);
        return await database.WriteAsync(async (connection, transaction) =>
        {
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

                await connection.ExecuteAsync(
                    "INSERT INTO users (id, name, password_hash, head_seq, created_at_ms) VALUES (@id, @name, @hash, 0, @now)",
                    new { id = (long)next, name, hash, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
                return new UserAccount(next, name);
            }

            return null;
        }, null, cancellationToken);
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
