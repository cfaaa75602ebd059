namespace ImCells.Cli.Commands;

/// <summary>imcells block | unblock --who M: the blacklist (a blocked user can neither message nor befriend you).</summary>
internal static class BlockCommand
{
    public static async Task<int> RunAsync(string[] argv, bool block)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--who"));
        var who = args.RequiredUInt64("--who");
        await using var client = await OneShotClient.ConnectAsync(args);
        var ok = await client.BlockAsync(who, block);
        Console.WriteLine(ok.Blocked ? $"blocked {ok.User}" : $"unblocked {ok.User}");
        return 0;
    }
}
