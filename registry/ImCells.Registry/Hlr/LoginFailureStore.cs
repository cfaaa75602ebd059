using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Failed logins per number in the HLR, so every login server shares one count per number. A row
/// exists for a number with a failure (or an attempt under way) and is kept for unknown numbers
/// too: a number that does not exist locks exactly like one that does (no account probing).
/// </summary>
public sealed class LoginFailureStore(HlrDatabase database, LoginFailurePolicy policy, TimeProvider time)
{
    /// <summary>
    /// Counts an attempt for <paramref name="userId"/> before its password is checked, or refuses it
    /// while the number is locked. Runs on the write turn, so concurrent attempts are counted one by one.
    /// </summary>
    public Task<LoginAttempt> ReserveAsync(ulong userId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var row = await connection.QuerySingleOrDefaultAsync<(long Failures, long LockedUntilMs, long LastFailureMs)?>(
                "SELECT failures, locked_until_ms, last_failure_ms FROM login_failures WHERE user_id = @id",
                new { id = (long)userId }, transaction);
            var stored = row is { } r ? new LoginFailureState((int)Math.Min(r.Failures, int.MaxValue), r.LockedUntilMs, r.LastFailureMs) : (LoginFailureState?)null;
            var attempt = policy.Reserve(stored, now);
            if (attempt.Admitted)
            {
                await connection.ExecuteAsync(
                    database.Dialect.Upsert(
                        "login_failures", "user_id, failures, locked_until_ms, last_failure_ms", "@id, @failures, @lockedUntil, @last", "user_id",
                        set: "failures = excluded.failures, locked_until_ms = excluded.locked_until_ms, last_failure_ms = excluded.last_failure_ms"),
                    new { id = (long)userId, failures = attempt.State.Failures, lockedUntil = attempt.State.LockedUntilMs, last = attempt.State.LastFailureMs },
                    transaction);
            }

            return attempt;
        }, null, cancellationToken);

    /// <summary>The right password: forget the failures (and the lock an attempt counted with it may have set).</summary>
    public Task ClearAsync(ulong userId, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM login_failures WHERE user_id = @id", new { id = (long)userId }, transaction), null, cancellationToken);

    /// <summary>The stored state of <paramref name="userId"/>, null when there is none (for tests and diagnostics).</summary>
    public Task<LoginFailureState?> FindAsync(ulong userId, CancellationToken cancellationToken) =>
        database.ReadAsync(async connection =>
            await connection.QuerySingleOrDefaultAsync<(long Failures, long LockedUntilMs, long LastFailureMs)?>(
                "SELECT failures, locked_until_ms, last_failure_ms FROM login_failures WHERE user_id = @id", new { id = (long)userId })
                is { } r ? new LoginFailureState((int)r.Failures, r.LockedUntilMs, r.LastFailureMs) : (LoginFailureState?)null,
            cancellationToken);

    /// <summary>Deletes the rows the policy has forgotten anyway (no lock, last failure older than its memory); returns how many.</summary>
    public Task<int> PurgeAsync(CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) =>
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            return connection.ExecuteAsync(
                "DELETE FROM login_failures WHERE last_failure_ms < @before AND locked_until_ms <= @now",
                new { before = now - (long)policy.Memory.TotalMilliseconds, now }, transaction);
        }, null, cancellationToken);
}
