using ImCells.Cli.CommandLine;
using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// A timeline printed newest first, --limit items from below --before, in text or --json: the
/// server cuts its pages by bytes too, so this asks for as many as that takes. Shared by `history`
/// and `group history`.
/// </summary>
internal static class NewestFirst
{
    public const string Json = "--json";

    /// <summary>The options this reads: --before, --limit, --json.</summary>
    public static CommandBuilder Declare(CommandBuilder command) => command
        .Value("--before", "SEQ", "only what is older than this seq (default: from the newest)")
        .Value("--limit", "N", "at most this many (default 50)")
        .Flag(Json, "one JSON object per line");

    /// <param name="page">One page: at most the given count, seq below the given seq (0: from the newest).</param>
    public static async Task<int> RunAsync<T>(
        CliArgs args,
        Func<ImClient, ulong, uint, Task<(IReadOnlyList<T> Items, bool HasMore)>> page,
        Func<T, ulong> seqOf,
        Func<T, string> text,
        Func<T, string> json)
    {
        var before = args.OptionalUInt64("--before") ?? 0;
        var limit = args.OptionalUInt32("--limit") is uint given and > 0 ? given : 50u;
        var asJson = args.Has(Json);
        var format = asJson ? json : text;

        await using var client = await OneShotClient.ConnectAsync(args);
        var printed = 0u;
        var hasMore = true;
        while (printed < limit && hasMore)
        {
            var (items, more) = await page(client, before, limit - printed);
            foreach (var item in items)
            {
                Console.WriteLine(format(item));
            }

            printed += (uint)items.Count;
            hasMore = more && items.Count > 0;
            before = hasMore ? seqOf(items[^1]) : before;
        }

        if (hasMore && !asJson)
        {
            // stderr, so stdout stays the timeline alone.
            Console.Error.WriteLine($"more: --before {before}");
        }

        return 0;
    }
}
