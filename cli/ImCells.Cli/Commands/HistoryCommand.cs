using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells history: --limit messages of the conversation with --peer, newest first, in recv's
/// format. The server cuts its pages by bytes too, so this asks for as many pages as that takes.
/// </summary>
internal static class HistoryCommand
{
    public static Command Build() => NewestFirst.Declare(new CommandBuilder("history", "the conversation with another user, newest first")
            .User()
            .Value(CommonOptions.Peer, "M", "the other user of the conversation", required: true, "--with"))
        .Run(RunAsync);

    private static Task<int> RunAsync(CliArgs args)
    {
        var peer = args.RequiredUInt64(CommonOptions.Peer);
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
