using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells presence online|away: what friends see while this user is connected. As a one-shot it
/// only matters while another device stays online; `chat` has /away and /back for the same.
/// </summary>
internal static class PresenceCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.Options, maxPositionals: 1);
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
