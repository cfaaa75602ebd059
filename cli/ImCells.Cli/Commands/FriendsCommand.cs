using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>imcells friends add | accept | decline | remove | list: the friend list, across cells.</summary>
internal static class FriendsCommand
{
    public static Command Build() => new CommandBuilder("friends", "friends, across cells: add, accept, decline, remove, list")
        .Sub(new CommandBuilder("add", "ask another user to be your friend")
            .User()
            .Value(CommonOptions.Peer, "M", "who you ask", required: true, "--to")
            .Value("--message", "TEXT", "a note shown with the request")
            .Run(AddAsync))
        .Sub(Respond("accept", "accept another user's friend request", accept: true))
        .Sub(Respond("decline", "decline another user's friend request", accept: false))
        .Sub(new CommandBuilder("remove", "end a friendship, on both sides")
            .User()
            .Value(CommonOptions.Peer, "M", "the friend", required: true, "--friend")
            .Run(RemoveAsync))
        .Sub(new CommandBuilder("list", "one line per friend (\"<user>  <nickname>  <online|away|offline>  last seen <time>\"), then incoming:, outgoing: and blocked: lines")
            .User()
            .Flag("--json", "one JSON object per friend")
            .Run(ListAsync))
        .Group();

    private static Command Respond(string name, string description, bool accept) => new CommandBuilder(name, description)
        .User()
        .Value(CommonOptions.Peer, "M", "who asked", required: true, "--from")
        .Run(args => RespondAsync(args, accept));

    private static async Task<int> AddAsync(CliArgs args)
    {
        var to = args.RequiredUInt64(CommonOptions.Peer);
        var message = args.Optional("--message") ?? "";
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.RequestFriendAsync(to, message);
        Console.WriteLine($"request sent to {to}");
        return 0;
    }

    private static async Task<int> RespondAsync(CliArgs args, bool accept)
    {
        var from = args.RequiredUInt64(CommonOptions.Peer);
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.RespondFriendAsync(from, accept);
        Console.WriteLine(accept ? $"{from} is now your friend" : $"declined {from}");
        return 0;
    }

    private static async Task<int> RemoveAsync(CliArgs args)
    {
        var friend = args.RequiredUInt64(CommonOptions.Peer);
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.RemoveFriendAsync(friend);
        Console.WriteLine($"removed {friend}");
        return 0;
    }

    private static async Task<int> ListAsync(CliArgs args)
    {
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
