using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>imcells privacy --only-friends on|off: whether users who are not friends may message this user.</summary>
internal static class PrivacyCommand
{
    public static Command Build() => new CommandBuilder("privacy", "whether only friends may message you")
        .User()
        .Choice("--only-friends", "on: users who are not your friends cannot message you", required: true, "on", "off")
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var onlyFriends = args.Required("--only-friends") switch
        {
            "on" => true,
            "off" => false,
            var other => throw new UsageException($"--only-friends must be on or off, not '{other}'"),
        };

        await using var client = await OneShotClient.ConnectAsync(args);
        var ok = await client.SetOnlyFriendsAsync(onlyFriends);
        Console.WriteLine($"only friends: {(ok.OnlyFriends ? "on" : "off")}");
        return 0;
    }
}
