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
        return ImClient.ConnectAsync(UserArgs.ToClientOptions(args, skipHistory: true, autoAck: false, autoReconnect: false));
    }
}
