using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells history: --limit messages of the conversation with --with, newest first, in recv's
/// format. The server cuts its pages by bytes too, so this asks for as many pages as that takes.
/// </summary>
internal static class HistoryCommand
{
    public static Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With(["--with", .. NewestFirst.Options]), [NewestFirst.Json]);
        var peer = args.RequiredUInt64("--with");
        return NewestFirst.RunAsync<ChatMessage>(
            args,
            async (client, before, limit) =>
            {
                var page = await client.HistoryAsync(peer, before, limit);
                return (page.Messages, page.HasMore);
            },
            message => message.Seq,
            MessageFormat.Text,
            MessageFormat.Json);
    }
}
