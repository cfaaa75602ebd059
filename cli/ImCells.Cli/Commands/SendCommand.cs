using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells send: one message, prints "&lt;message_id&gt; &lt;seq&gt;"; with --at it is scheduled
/// instead and prints "scheduled &lt;schedule_id&gt; at &lt;time&gt;". A refusal by the recipient
/// (blocked, friends only, no such user) exits 3 with the reason: for a recipient of another cell
/// that answer comes after the ack, so send waits for it up to <see cref="RefusalWait"/>.
/// </summary>
internal static class SendCommand
{
    /// <summary>How long a send to another cell waits for that cell's refusal; a stored message sends none.</summary>
    public static readonly TimeSpan RefusalWait = TimeSpan.FromSeconds(3);

    public static Command Build() => new CommandBuilder(
            "send",
            "send one message: prints \"<message_id> <seq>\", or \"scheduled <schedule_id> at <time>\" with --at; exits 3 when the recipient refuses it")
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
            ack = await SendNowAsync(client, to, text);
        }

        if (await client.WaitRefusalAsync(ack, RefusalWait) is { } refused)
        {
            throw new RefusedException($"{refused.Reason} (message {ack.MessageId} to {to})");
        }

        Console.WriteLine($"{ack.MessageId} {ack.Seq}");
        return 0;
    }

    /// <summary>A recipient that does not exist is refused at once, as an error of the send itself.</summary>
    private static async Task<SendAck> SendNowAsync(ImClient client, ulong to, string text)
    {
        try
        {
            return await client.SendAsync(to, text);
        }
        catch (ImClientException e) when (e.Code == ErrorCode.UnknownRecipient)
        {
            throw new RefusedException(e.Message);
        }
    }
}
