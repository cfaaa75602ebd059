using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>A device of a user of this cell attached to another (serving) cell.</summary>
public sealed record DeviceLocationRecord(ulong UserId, string DeviceId, string ServingCell, string ChatEndpoint, long SinceMs);

/// <summary>The location register of roaming devices: written on attach, cleared on detach or expiry.</summary>
public sealed class LocationStore(HlrDatabase database)
{
    public Task SetAsync(DeviceLocationRecord location, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(
            database.Dialect.Upsert(
                "locations", "user_id, device_id, serving_cell, chat_endpoint, since_ms", "@user, @DeviceId, @ServingCell, @ChatEndpoint, @SinceMs",
                "user_id, device_id", set: "serving_cell = excluded.serving_cell, chat_endpoint = excluded.chat_endpoint, since_ms = excluded.since_ms"),
            new { user = (long)location.UserId, location.DeviceId, location.ServingCell, location.ChatEndpoint, location.SinceMs }, transaction),
            null, cancellationToken);

    /// <summary>Removes the location if it still names <paramref name="servingCell"/> (a newer attach elsewhere stays).</summary>
    public Task<bool> ClearAsync(ulong user, string deviceId, string servingCell, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(
            "DELETE FROM locations WHERE user_id = @user AND device_id = @deviceId AND serving_cell = @servingCell",
            new { user = (long)user, deviceId, servingCell }, transaction) == 1,
            null, cancellationToken);

    public Task<IReadOnlyList<DeviceLocationRecord>> AllAsync(CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<DeviceLocationRecord>>(async connection =>
            (await connection.QueryAsync<(long User, string Device, string Cell, string Chat, long Since)>(
                "SELECT user_id, device_id, serving_cell, chat_endpoint, since_ms FROM locations"))
            .Select(r => new DeviceLocationRecord((ulong)r.User, r.Device, r.Cell, r.Chat, r.Since)).ToList(), cancellationToken);
}
