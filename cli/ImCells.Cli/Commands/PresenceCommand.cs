using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells presence online|away: what friends see while this user is connected. As a one-shot it
/// only matters while another device stays online; `chat` has /away and /back for the same.
/// </summary>
internal static class PresenceCommand
{
    public static Command Build() => new CommandBuilder("presence", "what your friends see while you are connected: online or away")
        .Words("state", "online|away", min: 1, max: 1, "online", "away")
        .User()
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var presence = args.Positionals switch
        {
            ["online"] => Presence.Online,
            ["away"] => Presence.Away,
            [var other] => throw new UsageException($"presence must be online or away, not '{other}'"),
            _ => throw new UsageException("presence needs online or away"),
        };

        await using var client = await OneShotClient.ConnectAsync(args);
        var ok = await client.SetPresenceAsync(presence);
        Console.WriteLine($"presence {FriendFormat.Word(ok.Presence)}");
        return 0;
    }
}
