using System.CommandLine;
using System.Globalization;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells where N --user U --password PW: the home cell and where each device is attached, from the
/// home HLR, as user U may see it (signs in first: look-ups are for signed-in users only). A user who
/// blocked U, or accepts friends only and is not U's friend, answers "does not exist".
/// </summary>
internal static class WhereCommand
{
    public static Command Build() => new CommandBuilder(
            "where", "the home cell of a user and where each device is attached, as you may see it (a user who blocked you, or accepts friends only, \"does not exist\")")
        .Words("user", "the user number to look up", min: 1, max: 1)
        .Value(UserArgs.User, "N", "your user number (look-ups are for signed-in users)", required: true)
        .Value(UserArgs.Password, "PW", "your password", required: true)
        .Value(UserArgs.Device, "ID", $"the device you sign in as (default \"{UserArgs.DefaultDevice}\")")
        .Login()
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        if (args.Positionals.Count != 1 || !ulong.TryParse(args.Positionals[0], NumberStyles.None, CultureInfo.InvariantCulture, out var user))
        {
            throw new UsageException("where takes one user number");
        }

        var asker = args.RequiredUInt64(UserArgs.User);
        var password = args.Required(UserArgs.Password);
        using var api = LoginUrl.OpenApi(args);
        var login = await api.LoginAsync(asker, password, args.Optional(UserArgs.Device) ?? UserArgs.DefaultDevice);
        var where = await api.WhereAsync(user, login.Token);
        Console.WriteLine($"{user}  home cell {where.HomeCell}");
        if (where.Devices.Count == 0)
        {
            Console.WriteLine("  no device online");
        }

        foreach (var device in where.Devices)
        {
            // "a#1" is an extra chat server of cell a: at home, not roaming.
            var servingCell = device.ServingCell.Split('#')[0];
            var roaming = servingCell == where.HomeCell ? "" : "  (roaming)";
            Console.WriteLine($"  device {device.DeviceId}  serving cell {device.ServingCell}  chat server {device.ChatEndpoint}{roaming}");
        }

        return 0;
    }
}
