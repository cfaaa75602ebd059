using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells send: one message, prints "&lt;message_id&gt; &lt;seq&gt;"; with --at it is scheduled
/// instead and prints "scheduled &lt;schedule_id&gt; at &lt;time&gt;".
/// </summary>
internal static class SendCommand
{
    public static Command Build() => new CommandBuilder("send", "send one message: prints \"<message_id> <seq>\", or \"scheduled <schedule_id> at <time>\" with --at")
        .User()
        .Value(CommonOptions.Peer, "M", "who receives it", required: true, "--to")
        .Value("--text", "T", "the message", required: true)
        .Value("--at", "TIME", "send it at this time instead (ISO-8601, UTC unless it has an offset)")
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var to = args.RequiredUInt64(CommonOptions.Peer);
        var text = args.Required("--text");
        var at = args.Optional("--at") is { } value ? IsoTime.Parse("--at", value) : (DateTimeOffset?)null;
        if (at?.ToUnixTimeMilliseconds() <= 0)
        {
            throw new UsageException("--at must be after 1970-01-01T00:00:00Z");
        }

        await using var client = await OneShotClient.ConnectAsync(args);
        SendAck ack;
        if (at is { } time)
        {
            ack = await client.ScheduleAsync(to, text, time);
            if (ack.ScheduleId.Length > 0)
            {
                var deliverAtMs = ack.DeliverAtMs > 0 ? ack.DeliverAtMs : time.ToUnixTimeMilliseconds();
                Console.WriteLine($"scheduled {ack.ScheduleId} at {IsoTime.Format(deliverAtMs)}");
                return 0;
            }

            // A time already past is sent at once and acked like any message.
        }
        else
        {
            ack = await client.SendAsync(to, text);
        }

        Console.WriteLine($"{ack.MessageId} {ack.Seq}");
        return 0;
    }
}
