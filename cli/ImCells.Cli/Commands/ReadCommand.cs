namespace ImCells.Cli.Commands;

/// <summary>imcells read: marks the conversation with --with read up to --seq and prints the unread counts.</summary>
internal static class ReadCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--with", "--seq"));
        var peer = args.RequiredUInt64("--with");
        var seq = args.RequiredUInt64("--seq");

        await using var client = await OneShotClient.ConnectAsync(args);
        var ok = await client.MarkReadAsync(peer, seq);
        Console.WriteLine($"read {peer} up to #{ok.ReadSeq}: unread {ok.Unread}, total {ok.TotalUnread}");
        return 0;
    }
}
