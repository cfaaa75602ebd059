namespace ImCells.Cli.Commands;

/// <summary>imcells scheduled list | cancel --id ID: the user's messages waiting for their time.</summary>
internal static class ScheduledCommand
{
    public static Task<int> RunAsync(string[] argv) => argv switch
    {
        ["list", .. var rest] => ListAsync(rest),
        ["cancel", .. var rest] => CancelAsync(rest),
        [var other, ..] => throw new UsageException($"unknown scheduled command '{other}' (list or cancel)"),
        [] => throw new UsageException("scheduled needs list or cancel"),
    };

    private static async Task<int> ListAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.Options);
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

    private static async Task<int> CancelAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--id"));
        var id = args.Required("--id");
        await using var client = await OneShotClient.ConnectAsync(args);
        await client.CancelScheduledAsync(id);
        Console.WriteLine($"cancelled {id}");
        return 0;
    }
}
