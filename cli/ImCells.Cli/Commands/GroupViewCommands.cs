using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>imcells group members | list | send | history: what is in a group and what is said there.</summary>
internal static class GroupViewCommands
{
    public static async Task<int> MembersAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With(GroupCommand.Group), ["--json"]);
        var group = args.RequiredUInt64(GroupCommand.Group);
        await using var client = await OneShotClient.ConnectAsync(args);
        Func<GroupMember, string> format = args.Has("--json") ? GroupFormat.Json : GroupFormat.Text;
        foreach (var member in await client.GroupMembersAsync(group))
        {
            Console.WriteLine(format(member));
        }

        return 0;
    }

    public static async Task<int> ListAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.Options, ["--json"]);
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
    public static async Task<int> SendAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With(GroupCommand.Group, "--text"));
        var group = args.RequiredUInt64(GroupCommand.Group);
        var text = args.Required("--text");
        await using var client = await OneShotClient.ConnectAsync(args);
        var ack = await client.SendGroupAsync(group, text);
        Console.WriteLine($"{ack.MessageId} {ack.Seq}");
        return 0;
    }

    /// <summary>--limit entries (messages and events) of the group, newest first.</summary>
    public static Task<int> HistoryAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With([GroupCommand.Group, .. NewestFirst.Options]), [NewestFirst.Json]);
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
