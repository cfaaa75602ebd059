using ImCells.Cli;
using ImCells.Cli.Commands;
using ImCells.Client;
using ImCells.Topology;

// Thin entry point: pick the command, map failures to exit codes (0 ok, 1 server error, 2 usage).
try
{
    return args switch
    {
        [] or ["help" or "--help" or "-h", ..] => Usage.Print(Console.Out, 0),
        ["register", .. var rest] => await RegisterCommand.RunAsync(rest),
        ["send", .. var rest] => await SendCommand.RunAsync(rest),
        ["recv", .. var rest] => await RecvCommand.RunAsync(rest),
        ["chat", .. var rest] => await ChatCommand.RunAsync(rest),
        ["history", .. var rest] => await HistoryCommand.RunAsync(rest),
        ["conversations", .. var rest] => await ConversationsCommand.RunAsync(rest),
        ["read", .. var rest] => await ReadCommand.RunAsync(rest),
        ["scheduled", .. var rest] => await ScheduledCommand.RunAsync(rest),
        ["friends", .. var rest] => await FriendsCommand.RunAsync(rest),
        ["block", .. var rest] => await BlockCommand.RunAsync(rest, block: true),
        ["unblock", .. var rest] => await BlockCommand.RunAsync(rest, block: false),
        ["profile", .. var rest] => await ProfileCommand.RunAsync(rest),
        ["presence", .. var rest] => await PresenceCommand.RunAsync(rest),
        ["privacy", .. var rest] => await PrivacyCommand.RunAsync(rest),
        ["group", .. var rest] => await GroupCommand.RunAsync(rest),
        ["status", .. var rest] => await StatusCommand.RunAsync(rest),
        ["where", .. var rest] => await WhereCommand.RunAsync(rest),
        ["logout", .. var rest] => await LogoutCommand.RunAsync(rest),
        ["topology", .. var rest] => await TopologyCommand.RunAsync(rest),
        ["pki", .. var rest] => await PkiCommand.RunAsync(rest),
        ["up", .. var rest] => await UpCommand.RunAsync(rest),
        ["bench", .. var rest] => await BenchCommand.RunAsync(rest),
        [var command, ..] => throw new UsageException($"unknown command '{command}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"imcells: {e.Message}");
    return Usage.Print(Console.Error, 2);
}
catch (Exception e) when (e is ImClientException or TimeoutException or TopologyException or CliException)
{
    Console.Error.WriteLine($"imcells: {e.Message}");
    return 1;
}
