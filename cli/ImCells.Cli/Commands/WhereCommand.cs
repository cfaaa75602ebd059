using System.Globalization;

namespace ImCells.Cli.Commands;

/// <summary>imcells where N: the home cell and where each device is attached, from the home HLR.</summary>
internal static class WhereCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, LoginUrl.Options, maxPositionals: 1);
        if (args.Positionals.Count != 1 || !ulong.TryParse(args.Positionals[0], NumberStyles.None, CultureInfo.InvariantCulture, out var user))
        {
            throw new UsageException("where takes one user number");
        }

        using var api = LoginUrl.OpenApi(args);
        var where = await api.WhereAsync(user);
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
