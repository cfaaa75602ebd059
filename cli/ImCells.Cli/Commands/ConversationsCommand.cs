using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells conversations: the --limit most recent conversations first, each with its unread count and
/// last message (as many pages as that takes: the server cuts them by bytes too), then the user's groups.
/// </summary>
internal static class ConversationsCommand
{
    public static Command Build() => new CommandBuilder(
            "conversations", "one line per conversation, most recent first, with its unread count and last message; then your groups and the total unread")
        .User()
        .Value("--limit", "N", "at most this many conversations (default 50)")
        .Flag("--json", "one JSON object per line")
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var limit = args.OptionalUInt32("--limit") is uint given and > 0 ? given : 50u;
        var json = args.Has("--json");

        await using var client = await OneShotClient.ConnectAsync(args);
        var printed = 0u;
        ulong before = 0;
        ConversationsResult result;
        do
        {
            result = await client.ConversationsAsync(limit - printed, before);
            foreach (var conversation in result.Conversations)
            {
                Console.WriteLine(json ? Json(conversation) : Text(conversation));
            }

            printed += (uint)result.Conversations.Count;
            before = result.Conversations.Count > 0 ? result.Conversations[^1].LastMessage?.Seq ?? 0 : 0;
        }
        while (result.HasMore && printed < limit && before > 0);

        // The groups' total counts the one-to-one conversations too.
        await GroupViewCommands.PrintGroupsAsync(client, json);
        return 0;
    }

    private static string Text(Conversation conversation)
    {
        var line = $"{conversation.Peer}  unread {conversation.Unread}";
        return conversation.LastMessage is { } last ? $"{line}  {MessageFormat.Text(last)}" : line;
    }

    private static string Json(Conversation conversation) => MessageFormat.JsonLine(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("peer", conversation.Peer);
        writer.WriteNumber("unread", conversation.Unread);
        writer.WriteNumber("readSeq", conversation.ReadSeq);
        if (conversation.LastMessage is { } last)
        {
            writer.WritePropertyName("last");
            MessageFormat.Write(writer, last);
        }

        writer.WriteEndObject();
    });
}
