using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>imcells history: one page of the conversation with --with, newest first, in recv's format.</summary>
internal static class HistoryCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--with", "--before", "--limit"), ["--json"]);
        var peer = args.RequiredUInt64("--with");
        var before = args.OptionalUInt64("--before") ?? 0;
        var limit = args.OptionalUInt32("--limit") ?? 50;
        var json = args.Has("--json");
        Func<ChatMessage, string> format = json ? MessageFormat.Json : MessageFormat.Text;

        await using var client = await OneShotClient.ConnectAsync(args);
        var page = await client.HistoryAsync(peer, before, limit);
        foreach (var message in page.Messages)
        {
            Console.WriteLine(format(message));
        }

        if (page.HasMore && !json && page.Messages.Count > 0)
        {
            // stderr, so stdout stays the conversation alone.
            Console.Error.WriteLine($"more: --before {page.Messages[^1].Seq}");
        }

        return 0;
    }
}
