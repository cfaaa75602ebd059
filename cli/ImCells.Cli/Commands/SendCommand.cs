using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>imcells send: one message, prints "&lt;message_id&gt; &lt;seq&gt;".</summary>
internal static class SendCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--to", "--text"));
        var to = args.RequiredUInt64("--to");
        var text = args.Required("--text");
        var options = UserArgs.ToClientOptions(args);

        // A one-shot sender wants neither the history nor a second try on a new connection.
        await using var client = await ImClient.ConnectAsync(new ImClientOptions
        {
            LoginUrl = options.LoginUrl,
            UserId = options.UserId,
            Password = options.Password,
            DeviceId = options.DeviceId,
            SkipHistory = true,
            AutoAck = false,
            AutoReconnect = false,
        });
        var ack = await client.SendAsync(to, text);
        Console.WriteLine($"{ack.MessageId} {ack.Seq}");
        return 0;
    }
}
