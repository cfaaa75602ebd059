using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>imcells block | unblock --peer M: the blacklist (a blocked user can neither message nor befriend you).</summary>
internal static class BlockCommand
{
    public static Command Build(bool block) => new CommandBuilder(
            block ? "block" : "unblock",
            block ? "block a user: they can neither message nor befriend you" : "unblock a user")
        .User()
        .Value(CommonOptions.Peer, "M", block ? "who to block" : "who to unblock", required: true, "--who")
        .Run(args => RunAsync(args, block));

    private static async Task<int> RunAsync(CliArgs args, bool block)
    {
        var who = args.RequiredUInt64(CommonOptions.Peer);
        await using var client = await OneShotClient.ConnectAsync(args);
        var ok = await client.BlockAsync(who, block);
        Console.WriteLine(ok.Blocked ? $"blocked {ok.User}" : $"unblocked {ok.User}");
        return 0;
    }
}
