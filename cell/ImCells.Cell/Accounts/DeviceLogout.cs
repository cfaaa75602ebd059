using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Cell.Presence;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Accounts;

/// <summary>
/// At the home cell: a user ends the sessions of one device, or of every device. Tokens issued
/// until now for it are revoked (durably, then in the memory the token check reads); its
/// connections here are kicked; its locations elsewhere are cancelled (it goes offline) and the
/// serving places are told to kick it too. Logging in again afterwards gets a newer token, which passes.
/// </summary>
internal sealed partial class DeviceLogout(
    TokenRevocations revocations,
    SessionRegistry sessions,
    VisitorLocations locations,
    VisitorPushForwarder pushes,
    DevicePresence presence,
    TimeProvider time,
    ILogger<DeviceLogout> logger)
{
    /// <param name="device">The device to log out; null: every device.</param>
    public async Task<LogoutOk> LogoutAsync(ulong user, string? device, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().ToUnixTimeMilliseconds();
        var revoked = await revocations.RevokeAsync(user, device, at, cancellationToken);
        var every = revoked == TokenRevocationRecord.AllDevices;
        var kicked = new Frame { Kicked = new Kicked { Reason = every ? "logged out on every device" : "logged out" } };

        // Revoked first, kicked second: a device reconnecting in between is refused at Auth.
        var ended = 0u;
        foreach (var session in sessions.Get(user))
        {
            if (every || session.DeviceId == device)
            {
                session.Kick(kicked.Kicked.Reason);
                ended++;
            }
        }

        foreach (var location in await locations.CancelLoggedOutAsync(user, every ? null : device, cancellationToken))
        {
            presence.Offline(user);
            pushes.ForwardTo(location.ServingCell, new CellProto.VisitorPush { UserId = user, OnlyDevice = location.DeviceId, Frame = kicked });
            ended++;
        }

        LoggedOut(logger, user, revoked, ended);
        return new LogoutOk { RevokedAtMs = at, SessionsEnded = ended };
    }

    [LoggerMessage(1, LogLevel.Information, "Logout: user {User} device {Device}: tokens revoked, {Sessions} sessions ended")]
    private static partial void LoggedOut(ILogger logger, ulong user, string device, uint sessions);
}
