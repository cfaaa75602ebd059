using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells history: --limit messages of the conversation with --with, newest first, in recv's
/// format. The server cuts its pages by bytes too, so this asks for as many pages as that takes.
/// </summary>
internal static class HistoryCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--with", "--before", "--limit"), ["--json"]);
        var peer = args.RequiredUInt64("--with");
        var before = args.OptionalUInt64("--before") ?? 0;
        var limit = args.OptionalUInt32("--limit") is uint given and > 0 ? given : 50u;
        var json = args.Has("--json");
        Func<ChatMessage, string> format = json ? MessageFormat.Json : MessageFormat.Text;

        await using var client = await OneShotClient.ConnectAsync(args);
        var printed = 0u;
        var hasMore = true;
        while (printed < limit && hasMore)
        {
            var page = await client.HistoryAsync(peer, before, limit - printed);
            foreach (var message in page.Messages)
            {
                Console.WriteLine(format(message));
            }

            printed += (uint)page.Messages.Count;
            hasMore = page.HasMore && page.Messages.Count > 0;
            before = hasMore ? page.Messages[^1].Seq : before;
        }

        if (hasMore && !json)
        {
            // stderr, so stdout stays the conversation alone.
            Console.Error.WriteLine($"more: --before {before}");
        }

        return 0;
    }
}
