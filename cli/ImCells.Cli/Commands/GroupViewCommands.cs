using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>imcells group members | list | send | history: what is in a group and what is said there.</summary>
internal static class GroupViewCommands
{
    public static Command Members() => GroupCommand.OnGroup("members", "one line per member: \"<user>  <role>  joined #<seq>\"")
        .Flag("--json", "one JSON object per line")
        .Run(MembersAsync);

    public static Command List() => new CommandBuilder("list", "your groups, those you left too, with unread counts and last entry; then the total unread")
        .User()
        .Flag("--json", "one JSON object per line")
        .Run(ListAsync);

    public static Command Send() => GroupCommand.OnGroup("send", "send a message to a group; prints \"<message_id> <seq>\"; \"@<number>\" in the text mentions that member")
        .Value("--text", "T", "the message", required: true)
        .Run(SendAsync);

    public static Command History() => NewestFirst.Declare(GroupCommand.OnGroup("history", "the group's messages and events, newest first"))
        .Run(HistoryAsync);

    private static async Task<int> MembersAsync(CliArgs args)
    {
        var group = args.RequiredUInt64(GroupCommand.Group);
        await using var client = await OneShotClient.ConnectAsync(args);
        Func<GroupMember, string> format = args.Has("--json") ? GroupFormat.Json : GroupFormat.Text;
        foreach (var member in await client.GroupMembersAsync(group))
        {
            Console.WriteLine(format(member));
        }

        return 0;
    }

    private static async Task<int> ListAsync(CliArgs args)
    {
        await using var client = await OneShotClient.ConnectAsync(args);
        await PrintGroupsAsync(client, args.Has("--json"));
        return 0;
    }

    /// <summary>
    /// One line per group of the user (those it left too), then "total unread N": the unread count of
    /// groups and one-to-one conversations together. Shared with `conversations`.
    /// </summary>
    public static async Task PrintGroupsAsync(ImClient client, bool json)
    {
        var list = await client.GroupListAsync();
        foreach (var group in list.Groups)
        {
            Console.WriteLine(json ? GroupFormat.Json(group) : GroupFormat.Text(group));
        }

        if (!json)
        {
            Console.WriteLine($"total unread {list.TotalUnread}");
        }
    }

    /// <summary>Prints "&lt;message_id&gt; &lt;seq&gt;", as send does.</summary>
    private static async Task<int> SendAsync(CliArgs args)
    {
        var group = args.RequiredUInt64(GroupCommand.Group);
        var text = args.Required("--text");
        await using var client = await OneShotClient.ConnectAsync(args);
        var ack = await client.SendGroupAsync(group, text);
        Console.WriteLine($"{ack.MessageId} {ack.Seq}");
        return 0;
    }

    /// <summary>--limit entries (messages and events) of the group, newest first.</summary>
    private static Task<int> HistoryAsync(CliArgs args)
    {
        var group = args.RequiredUInt64(GroupCommand.Group);
        return NewestFirst.RunAsync<GroupEntry>(
            args,
            async (client, before, limit) =>
            {
                var page = await client.GroupHistoryAsync(group, before, limit);
                return (page.Entries, page.HasMore);
            },
            entry => entry.Seq,
            GroupFormat.Text,
            GroupFormat.Json);
    }
}
