using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>imcells recv: prints the mailbox after --from-seq, then (with --wait) what arrives meanwhile.</summary>
internal static class RecvCommand
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    public static Command Build() => new CommandBuilder("recv", "print the mailbox after --from-seq, then (with --wait) what arrives meanwhile")
        .User()
        .Value("--from-seq", "S", "print the messages after this seq of your mailbox (default 0: all)")
        .Value("--wait", "SECONDS", "keep printing what arrives for this long")
        .Flag("--json", "one JSON object per line")
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var wait = args.OptionalSeconds("--wait") ?? TimeSpan.Zero;
        var fromSeq = args.OptionalUInt64("--from-seq") ?? 0;
        Func<ChatMessage, string> format = args.Has("--json") ? MessageFormat.Json : MessageFormat.Text;
        await using var client = await ImClient.ConnectAsync(UserArgs.ToClientOptions(args, lastSeq: fromSeq));

        using (var catchUp = new CancellationTokenSource(CatchUpTimeout))
        {
            try
            {
                await client.WaitCaughtUpAsync(catchUp.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"mailbox not synced within {CatchUpTimeout.TotalSeconds:0} s (at seq {client.LastSeq})");
            }
        }

        PrintAvailable(client, format);
        if (wait > TimeSpan.Zero)
        {
            using var until = new CancellationTokenSource(wait);
            try
            {
                while (await client.Messages.WaitToReadAsync(until.Token))
                {
                    PrintAvailable(client, format);
                }
            }
            catch (OperationCanceledException) when (until.IsCancellationRequested)
            {
                // --wait elapsed.
            }
        }

        return 0;
    }

    private static void PrintAvailable(ImClient client, Func<ChatMessage, string> format)
    {
        while (client.Messages.TryRead(out var message))
        {
            Console.WriteLine(format(message));
        }
    }
}
