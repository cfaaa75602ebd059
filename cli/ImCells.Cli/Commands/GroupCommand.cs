using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells group create | add | remove | leave | join | role | rename | dissolve: a group and who is
/// in it, one line printed each; members, list, send and history are in <see cref="GroupViewCommands"/>.
/// </summary>
internal static class GroupCommand
{
    public const string Group = "--group";
    private const string Members = "--members";
    private const string Member = "--member";

    /// <summary>
    /// What a subcommand does once connected, returning the line to print. Built from the arguments
    /// before connecting, so a bad argument is a usage error without a login.
    /// </summary>
    private delegate Func<ImClient, Task<string>> Prepare(CliArgs args, ulong group);

    public static Command Build() => new CommandBuilder("group", "groups: create, add, remove, leave, join, role, rename, dissolve, members, list, send, history, read")
        .Sub(new CommandBuilder("create", "create a group you own; prints its number alone")
            .User()
            .Value("--name", "NAME", "the group's name", required: true)
            .Value(Members, "M,M,...", "the first members, comma-separated")
            .Flag("--open", "anyone may join")
            .Flag("--history-visible", "new members see what was said before they joined")
            .Run(CreateAsync))
        .Sub(OnGroup("add", "add members (1000 per request)", Add, b => b.Value(Members, "M,M,...", "the users to add, comma-separated", required: true)))
        .Sub(OnGroup("remove", "remove a member", Remove, b => b.Value(Member, "M", "the member to remove", required: true)))
        .Sub(OnGroup("leave", "leave a group", Leave))
        .Sub(OnGroup("join", "join an open group", Join))
        .Sub(OnGroup("role", "set a member's role; \"owner\" hands the group over", Role, b => b
            .Value(Member, "M", "the member", required: true)
            .Choice("--role", "the new role", required: true, "member", "admin", "owner")))
        .Sub(OnGroup("rename", "rename a group", Rename, b => b.Value("--name", "NAME", "the new name", required: true)))
        .Sub(OnGroup("dissolve", "end the group (the owner only)", Dissolve))
        .Sub(GroupViewCommands.Members())
        .Sub(GroupViewCommands.List())
        .Sub(GroupViewCommands.Send())
        .Sub(GroupViewCommands.History())
        .Sub(OnGroup("read", "mark the group read up to a seq; prints the unread count and mentions left", Read, b => b
            .Value("--seq", "S", "read up to this entry (default: the newest)")))
        .Group();

    /// <summary>A subcommand about one group: the user's options and --group.</summary>
    internal static CommandBuilder OnGroup(string name, string description) =>
        new CommandBuilder(name, description).User().Value(Group, "G", "the group number", required: true);

    /// <summary>A subcommand about one group, with the options <paramref name="more"/> adds, running <paramref name="prepare"/>.</summary>
    private static Command OnGroup(string name, string description, Prepare prepare, Func<CommandBuilder, CommandBuilder>? more = null) =>
        (more ?? (b => b))(OnGroup(name, description)).Run(args => OnGroupAsync(args, prepare));

    /// <summary>Prints the new group's number alone, for scripts.</summary>
    private static async Task<int> CreateAsync(CliArgs args)
    {
        var name = args.Required("--name");
        var members = args.OptionalUInt64List("--members");
        await using var client = await OneShotClient.ConnectAsync(args);
        var info = await client.CreateGroupAsync(name, members, args.Has("--open"), args.Has("--history-visible"));
        Console.WriteLine(info.Group);
        return 0;
    }

    private static async Task<int> OnGroupAsync(CliArgs args, Prepare prepare)
    {
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
