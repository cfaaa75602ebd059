using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>imcells scheduled list | cancel --id ID: the user's messages waiting for their time.</summary>
internal static class ScheduledCommand
{
    public static Command Build() => new CommandBuilder("scheduled", "messages waiting for their time (send --at): list, cancel")
        .Sub(new CommandBuilder("list", "the messages waiting for their time: \"<schedule_id> <time> to <user>: <text>\"").User().Run(ListAsync))
        .Sub(new CommandBuilder("cancel", "drop a scheduled message before it is sent")
            .User()
            .Value("--id", "ID", "the schedule id that send --at or scheduled list printed", required: true)
            .Run(CancelAsync))
        .Group();

    private static async Task<int> ListAsync(CliArgs args)
    {
        await using var client = await OneShotClient.ConnectAsync(args);
        var items = await client.ListScheduledAsync();
        if (items.Count == 0)
        {
            Console.WriteLine("no scheduled messages");
        }

        foreach (var item in items)
        {
            Console.WriteLine($"{item.ScheduleId} {IsoTime.Format(item.DeliverAtMs)} to {item.To}: {item.Text}");
        }

        return 0;
    }

    private static async Task<int> CancelAsync(CliArgs args)
    {
        var id = args.Required("--id");
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.CancelScheduledAsync(id);
        Console.WriteLine($"cancelled {id}");
        return 0;
    }
}
