using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells logout --device D | --all: ends the sessions of device D, or of every device: tokens
/// issued for them until now stop working and their connections close. The command itself signs
/// in as device "cli", so D's own connection is told "logged out" rather than replaced.
/// </summary>
internal static class LogoutCommand
{
    private const string All = "--all";

    public static Command Build() => new CommandBuilder("logout", "end the sessions of a device (--device ID) or of every device (--all): their tokens stop working, their connections close")
        .User(device: "the device whose sessions to end (this command itself signs in as \"cli\")")
        .Flag(All, "every device of the user, instead of --device")
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var device = args.Optional(UserArgs.Device);
        var all = args.Has(All);
        if (all == (device is not null))
        {
            throw new UsageException("logout takes either --device ID or --all");
        }

        // --device names the device to end, not the one this command signs in as.
        var options = UserArgs.ToClientOptions(args, skipHistory: true, autoAck: false, autoReconnect: false);
        await using var client = await ImClient.ConnectAsync(new ImClientOptions
        {
            LoginUrl = options.LoginUrl,
            TrustedCa = options.TrustedCa,
            UserId = options.UserId,
            Password = options.Password,
            DeviceId = UserArgs.DefaultDevice,
            PreferCell = options.PreferCell,
            Region = options.Region,
            SkipHistory = true,
            AutoAck = false,
            AutoReconnect = false,
        });
        var ok = all ? await client.LogoutAllDevicesAsync() : await client.LogoutAsync(device);
        Console.WriteLine($"logged out {(all ? "every device" : $"device {device}")}: {ok.SessionsEnded} session(s) ended");
        return 0;
    }
}
