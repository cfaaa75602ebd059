namespace ImCells.Cli.Commands;

/// <summary>imcells friends add | accept | decline | remove | list: the friend list, across cells.</summary>
internal static class FriendsCommand
{
    public static Task<int> RunAsync(string[] argv) => argv switch
    {
        ["add", .. var rest] => AddAsync(rest),
        ["accept", .. var rest] => RespondAsync(rest, accept: true),
        ["decline", .. var rest] => RespondAsync(rest, accept: false),
        ["remove", .. var rest] => RemoveAsync(rest),
        ["list", .. var rest] => ListAsync(rest),
        [var other, ..] => throw new UsageException($"unknown friends command '{other}' (add, accept, decline, remove or list)"),
        [] => throw new UsageException("friends needs add, accept, decline, remove or list"),
    };

    private static async Task<int> AddAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--to", "--message"));
        var to = args.RequiredUInt64("--to");
        var message = args.Optional("--message") ?? "";
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.RequestFriendAsync(to, message);
        Console.WriteLine($"request sent to {to}");
        return 0;
    }

    private static async Task<int> RespondAsync(string[] argv, bool accept)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--from"));
        var from = args.RequiredUInt64("--from");
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.RespondFriendAsync(from, accept);
        Console.WriteLine(accept ? $"{from} is now your friend" : $"declined {from}");
        return 0;
    }

    private static async Task<int> RemoveAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--friend"));
        var friend = args.RequiredUInt64("--friend");
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.RemoveFriendAsync(friend);
        Console.WriteLine($"removed {friend}");
        return 0;
    }

    private static async Task<int> ListAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.Options, ["--json"]);
        await using var client = await OneShotClient.ConnectAsync(args);
        var list = await client.FriendListAsync();
        var lines = args.Has("--json") ? list.Friends.Select(FriendFormat.Json) : FriendFormat.Text(list);
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        return 0;
    }
}
