using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>imcells read: marks the conversation with --peer read up to --seq and prints the unread counts.</summary>
internal static class ReadCommand
{
    public static Command Build() => new CommandBuilder("read", "mark the conversation with another user read up to a seq; prints the unread counts")
        .User()
        .Value(CommonOptions.Peer, "M", "the other user of the conversation", required: true, "--with")
        .Value("--seq", "S", "read up to this seq of your mailbox", required: true)
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var peer = args.RequiredUInt64(CommonOptions.Peer);
        var seq = args.RequiredUInt64("--seq");

        await using var client = await OneShotClient.ConnectAsync(args);
        var ok = await client.MarkReadAsync(peer, seq);
        Console.WriteLine($"read {peer} up to #{ok.ReadSeq}: unread {ok.Unread}, total {ok.TotalUnread}");
        return 0;
    }
}
