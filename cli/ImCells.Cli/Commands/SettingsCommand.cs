using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells settings: prints the user's settings ("read receipts: on"); with --read-receipts on|off
/// it sets that switch first and prints the settings as the server now holds them.
/// </summary>
internal static class SettingsCommand
{
    public const string ReadReceipts = "--read-receipts";

    public static Command Build() => new CommandBuilder("settings", "your settings: prints them; --read-receipts on|off sets whether senders learn that you read their messages")
        .User()
        .Choice(ReadReceipts, "whether the senders of messages you read get a read receipt", required: false, "on", "off")
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        bool? readReceipts = args.Optional(ReadReceipts) is { } value ? value == "on" : null;
        await using var client = await OneShotClient.ConnectAsync(args);
        SettingsOk settings = readReceipts is { } enabled
            ? await client.SetReadReceiptsAsync(enabled)
            : await client.GetSettingsAsync();
        Console.WriteLine(Text(settings));
        return ExitCodes.Ok;
    }

    /// <summary>One "name: value" line per setting.</summary>
    public static string Text(SettingsOk settings) => $"read receipts: {(settings.ReadReceipts ? "on" : "off")}";
}
