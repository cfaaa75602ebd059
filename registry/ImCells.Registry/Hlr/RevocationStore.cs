using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>A logout: tokens of <see cref="UserId"/> for <see cref="DeviceId"/> issued at or before <see cref="RevokedAtMs"/> are refused.</summary>
public sealed record TokenRevocationRecord(ulong UserId, string DeviceId, long RevokedAtMs)
{
    /// <summary>The device id of a revocation that covers every device; no real device id contains '*'.</summary>
    public const string AllDevices = "*";
}

/// <summary>The durable half of the revocation list (the fast half is in memory at the cell).</summary>
public sealed class RevocationStore(HlrDatabase database)
{
    /// <summary>
    /// Records a revocation; a later one for the same device replaces it. Revoking every device also
    /// drops the user's per-device rows it covers.
    /// </summary>
    public Task AddAsync(TokenRevocationRecord revocation, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var row = new { user = (long)revocation.UserId, device = revocation.DeviceId, at = revocation.RevokedAtMs };
            await connection.ExecuteAsync(
                database.Dialect.Upsert(
                    "token_revocations", "user_id, device_id, revoked_at_ms", "@user, @device, @at", "user_id, device_id",
                    set: "revoked_at_ms = excluded.revoked_at_ms", where: "excluded.revoked_at_ms > token_revocations.revoked_at_ms"),
                row, transaction);
            if (revocation.DeviceId == TokenRevocationRecord.AllDevices)
            {
                await connection.ExecuteAsync(
                    "DELETE FROM token_revocations WHERE user_id = @user AND device_id <> @device AND revoked_at_ms <= @at", row, transaction);
            }

            return 0;
        }, null, cancellationToken);

    /// <summary>Revocations newer than <paramref name="afterMs"/>, after deleting the rest (no token they cover is young enough to matter).</summary>
    public async Task<IReadOnlyList<TokenRevocationRecord>> LoadAfterAsync(long afterMs, CancellationToken cancellationToken)
    {
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            "DELETE FROM token_revocations WHERE revoked_at_ms <= @afterMs", new { afterMs }, transaction), null, cancellationToken);
        return await database.ReadAsync<IReadOnlyList<TokenRevocationRecord>>(async connection =>
            (await connection.QueryAsync<(long User, string Device, long At)>(
                "SELECT user_id, device_id, revoked_at_ms FROM token_revocations"))
            .Select(r => new TokenRevocationRecord((ulong)r.User, r.Device, r.At)).ToList(), cancellationToken);
    }
}
