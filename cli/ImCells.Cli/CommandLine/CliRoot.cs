using System.CommandLine;
using ImCells.Cli.Commands;

namespace ImCells.Cli.CommandLine;

/// <summary>Every imcells command, in the order `imcells --help` lists them.</summary>
internal static class CliRoot
{
    public static RootCommand Build(string[] raw)
    {
        var root = new RootCommand("ImCells: start a local cluster, act as a user, operate cells.") { HelpName = "imcells" };
        foreach (var command in Commands(raw))
        {
            root.Add(command);
        }

        return root;
    }

    private static IEnumerable<Command> Commands(string[] raw) =>
    [
        UpCommand.Build(),
        StatusCommand.Build(),
        Legacy(raw, "where", "the home cell of a user and where each device is attached", WhereCommand.RunAsync),
        TopologyCommand.Build(),
        PkiCommand.Build(),
        BenchCommand.Build(),
        Legacy(raw, "register", "register a new user; prints the new user number", RegisterCommand.RunAsync),
        SendCommand.Build(),
        Legacy(raw, "recv", "print the mailbox", RecvCommand.RunAsync),
        Legacy(raw, "chat", "interactive chat", ChatCommand.RunAsync),
        Legacy(raw, "history", "a conversation, newest first", HistoryCommand.RunAsync),
        Legacy(raw, "conversations", "one line per conversation, most recent first", ConversationsCommand.RunAsync),
        Legacy(raw, "read", "mark a conversation read", ReadCommand.RunAsync),
        Legacy(raw, "scheduled", "messages waiting for their time: list, cancel", ScheduledCommand.RunAsync),
        Legacy(raw, "friends", "friends: add, accept, decline, remove, list", FriendsCommand.RunAsync),
        Legacy(raw, "block", "block a user", argv => BlockCommand.RunAsync(argv, block: true)),
        Legacy(raw, "unblock", "unblock a user", argv => BlockCommand.RunAsync(argv, block: false)),
        Legacy(raw, "profile", "profiles: get, set", ProfileCommand.RunAsync),
        Legacy(raw, "presence", "what your friends see while you are connected", PresenceCommand.RunAsync),
        Legacy(raw, "privacy", "whether only friends may message you", PrivacyCommand.RunAsync),
        Legacy(raw, "group", "groups: create, add, remove, leave, join, role, rename, dissolve, members, list, send, history, read", GroupCommand.RunAsync),
        Legacy(raw, "logout", "end the sessions of a device or of every device", LogoutCommand.RunAsync),
    ];

    /// <summary>A command not yet declared option by option: its body parses the raw words after its name.</summary>
    private static Command Legacy(string[] raw, string name, string description, Func<string[], Task<int>> run)
    {
        var command = new Command(name, description) { TreatUnmatchedTokensAsErrors = false };
        command.Add(new Argument<string[]>("arguments") { Arity = ArgumentArity.ZeroOrMore });
        command.SetAction((_, _) => run(raw[1..]));
        return command;
    }
}
