using System.CommandLine;
using ImCells.Cli.Commands;

namespace ImCells.Cli.CommandLine;

/// <summary>Every imcells command, in the order `imcells --help` lists them.</summary>
internal static class CliRoot
{
    public static RootCommand Build()
    {
        var root = new RootCommand("ImCells: start a local cluster, act as a user, operate cells.") { HelpName = "imcells" };
        foreach (var command in Commands())
        {
            root.Add(command);
        }

        return root;
    }

    private static IEnumerable<Command> Commands() =>
    [
        UpCommand.Build(),
        StatusCommand.Build(),
        WhereCommand.Build(),
        TopologyCommand.Build(),
        PkiCommand.Build(),
        BenchCommand.Build(),
        RegisterCommand.Build(),
        SendCommand.Build(),
        RecvCommand.Build(),
        ChatCommand.Build(),
        HistoryCommand.Build(),
        ConversationsCommand.Build(),
        ReadCommand.Build(),
        ScheduledCommand.Build(),
        FriendsCommand.Build(),
        BlockCommand.Build(block: true),
        BlockCommand.Build(block: false),
        ProfileCommand.Build(),
        PresenceCommand.Build(),
        PrivacyCommand.Build(),
        SettingsCommand.Build(),
        GroupCommand.Build(),
        LogoutCommand.Build(),
        CompletionCommand.Build(),
    ];
}
