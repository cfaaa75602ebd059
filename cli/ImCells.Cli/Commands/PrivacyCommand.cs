namespace ImCells.Cli.Commands;

/// <summary>imcells privacy --only-friends on|off: whether users who are not friends may message this user.</summary>
internal static class PrivacyCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--only-friends"));
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
