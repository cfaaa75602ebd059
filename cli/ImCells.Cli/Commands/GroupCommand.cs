using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells group create | add | remove | leave | join | role | rename | dissolve: a group and who is
/// in it, one line printed each; members, list, send and history are in <see cref="GroupViewCommands"/>.
/// </summary>
internal static class GroupCommand
{
    public const string Group = "--group";
    private const string Subcommands = "create, add, remove, leave, join, role, rename, dissolve, members, list, send, history or read";

    /// <summary>
    /// What a subcommand does once connected, returning the line to print. Built from the arguments
    /// before connecting, so a bad argument is a usage error without a login.
    /// </summary>
    private delegate Func<ImClient, Task<string>> Prepare(CliArgs args, ulong group);

    public static Task<int> RunAsync(string[] argv) => argv switch
    {
        ["create", .. var rest] => CreateAsync(rest),
        ["add", .. var rest] => OnGroupAsync(rest, ["--members"], Add),
        ["remove", .. var rest] => OnGroupAsync(rest, ["--member"], Remove),
        ["leave", .. var rest] => OnGroupAsync(rest, [], Leave),
        ["join", .. var rest] => OnGroupAsync(rest, [], Join),
        ["role", .. var rest] => OnGroupAsync(rest, ["--member", "--role"], Role),
        ["rename", .. var rest] => OnGroupAsync(rest, ["--name"], Rename),
        ["dissolve", .. var rest] => OnGroupAsync(rest, [], Dissolve),
        ["read", .. var rest] => OnGroupAsync(rest, ["--seq"], Read),
        ["members", .. var rest] => GroupViewCommands.MembersAsync(rest),
        ["list", .. var rest] => GroupViewCommands.ListAsync(rest),
        ["send", .. var rest] => GroupViewCommands.SendAsync(rest),
        ["history", .. var rest] => GroupViewCommands.HistoryAsync(rest),
        [var other, ..] => throw new UsageException($"unknown group command '{other}' ({Subcommands})"),
        [] => throw new UsageException($"group needs {Subcommands}"),
    };

    /// <summary>Prints the new group's number alone, for scripts.</summary>
    private static async Task<int> CreateAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--name", "--members"), ["--open", "--history-visible"]);
        var name = args.Required("--name");
        var members = args.OptionalUInt64List("--members");
        await using var client = await OneShotClient.ConnectAsync(args);
        var info = await client.CreateGroupAsync(name, members, args.Has("--open"), args.Has("--history-visible"));
        Console.WriteLine(info.Group);
        return 0;
    }

    private static async Task<int> OnGroupAsync(string[] argv, string[] options, Prepare prepare)
    {
        var args = CliArgs.Parse(argv, UserArgs.With([Group, .. options]));
        var act = prepare(args, args.RequiredUInt64(Group));
        await using var client = await OneShotClient.ConnectAsync(args);
        Console.WriteLine(await act(client));
        return 0;
    }

    private static Func<ImClient, Task<string>> Add(CliArgs args, ulong group)
    {
        var members = args.RequiredUInt64List("--members");
        return async client =>
        {
            var info = await client.AddGroupMembersAsync(group, members);
            return $"added {members.Count} to {group} ({info.MemberCount} members)";
        };
    }

    /// <summary>Marks the group read up to --seq, or up to the newest entry this user may see.</summary>
    private static Func<ImClient, Task<string>> Read(CliArgs args, ulong group)
    {
        var seq = args.OptionalUInt64("--seq");
        return async client =>
        {
            var upTo = seq ?? (await client.GroupListAsync()).Groups.FirstOrDefault(g => g.Group == group)?.HeadSeq
                ?? throw new CliException($"you are not in group {group}");
            var read = await client.MarkGroupReadAsync(group, upTo);
            return $"read {group} up to #{read.ReadSeq}: unread {read.Unread}, mentions {read.Mentions}, total unread {read.TotalUnread}";
        };
    }

    private static Func<ImClient, Task<string>> Remove(CliArgs args, ulong group)
    {
        var member = args.RequiredUInt64("--member");
        return async client =>
        {
            await client.RemoveGroupMemberAsync(group, member);
            return $"removed {member} from {group}";
        };
    }

    private static Func<ImClient, Task<string>> Leave(CliArgs args, ulong group) => async client =>
    {
        await client.LeaveGroupAsync(group);
        return $"left {group}";
    };

    private static Func<ImClient, Task<string>> Join(CliArgs args, ulong group) => async client =>
    {
        var info = await client.JoinGroupAsync(group);
        return $"joined {group} \"{info.Name}\"";
    };

    private static Func<ImClient, Task<string>> Role(CliArgs args, ulong group)
    {
        var member = args.RequiredUInt64("--member");
        var role = GroupFormat.ParseRole("--role", args.Required("--role"));
        return async client =>
        {
            await client.SetGroupRoleAsync(group, member, role);
            return $"{member} is now {GroupFormat.Word(role)} of {group}";
        };
    }

    private static Func<ImClient, Task<string>> Rename(CliArgs args, ulong group)
    {
        var name = args.Required("--name");
        if (name.Length == 0)
        {
            throw new UsageException("--name must not be empty");
        }

        return async client =>
        {
            await client.RenameGroupAsync(group, name);
            return $"renamed {group} to \"{name}\"";
        };
    }

    private static Func<ImClient, Task<string>> Dissolve(CliArgs args, ulong group) => async client =>
    {
        await client.DissolveGroupAsync(group);
        return $"dissolved {group}";
    };
}
