using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// The connection of a command that makes a few requests and exits: no mailbox replay, no acks
/// that would move the device's cursor, no second try on a new connection.
/// </summary>
internal static class OneShotClient
{
    public static Task<ImClient> ConnectAsync(CliArgs args)
    {
        var options = UserArgs.ToClientOptions(args);
        return ImClient.ConnectAsync(new ImClientOptions
        {
            LoginUrl = options.LoginUrl,
            UserId = options.UserId,
            Password = options.Password,
            DeviceId = options.DeviceId,
            SkipHistory = true,
            AutoAck = false,
            AutoReconnect = false,
        });
    }
}
