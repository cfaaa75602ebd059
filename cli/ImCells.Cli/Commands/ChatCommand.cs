using System.Globalization;
using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>imcells chat: "@M text" lines send, incoming messages print as they arrive; EOF or Ctrl-C quits.</summary>
internal static class ChatCommand
{
    private const string Help = "type \"@<user number> <text>\" to send; Ctrl-D or Ctrl-C quits";

    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.Options);
        var options = UserArgs.ToClientOptions(args);

        using var quit = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            quit.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            // A live chat shows what arrives from now on; recv is the tool for history.
            await using var client = await ImClient.ConnectAsync(new ImClientOptions
            {
                LoginUrl = options.LoginUrl,
                UserId = options.UserId,
                Password = options.Password,
                DeviceId = options.DeviceId,
                SkipHistory = true,
            }, quit.Token);
            client.Diagnostic += line => Console.Error.WriteLine($"imcells: {line}");
            Console.Error.WriteLine($"connected as {client.UserId} (cell {client.CellId}); {Help}");

            var printer = PrintIncomingAsync(client, quit);
            await ReadInputAsync(client, quit.Token);
            await quit.CancelAsync();
            return await printer;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task ReadInputAsync(ImClient client, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            string? line;
            try
            {
                // Console.In reads synchronously and ignores the token; wait on it from a pool thread.
                line = await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (line is null)
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!TryParse(line, out var to, out var text))
            {
                Console.Error.WriteLine(Help);
                continue;
            }

            try
            {
                var ack = await client.SendAsync(to, text, ct: ct);
                Console.WriteLine($"sent #{ack.Seq} to {to}");
            }
            catch (Exception e) when (e is ImClientException or TimeoutException)
            {
                Console.Error.WriteLine($"imcells: {e.Message}");
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Prints until quit; returns the exit code (1 when the client gave up, e.g. kicked).</summary>
    private static async Task<int> PrintIncomingAsync(ImClient client, CancellationTokenSource quit)
    {
        var ct = quit.Token;
        var failures = Task.Run(async () =>
        {
            await foreach (var failed in client.Failures.ReadAllAsync(ct))
            {
                Console.Error.WriteLine($"imcells: message {failed.MessageId} to {failed.To} failed: {failed.Code} {failed.Reason}");
            }
        }, ct);
        try
        {
            await foreach (var message in client.Messages.ReadAllAsync(ct))
            {
                Console.WriteLine(MessageFormat.Text(message));
            }
        }
        catch (OperationCanceledException)
        {
            // Quit.
        }
        catch (ImClientException e)
        {
            // No more messages will come (kicked, or gone without reconnecting): stop reading input too.
            Console.Error.WriteLine($"imcells: {e.Message}");
            await quit.CancelAsync();
            return 1;
        }

        await failures.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return 0;
    }

    private static bool TryParse(string line, out ulong to, out string text)
    {
        to = 0;
        text = "";
        line = line.Trim();
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (!line.StartsWith('@') || space < 2
            || !ulong.TryParse(line.AsSpan(1, space - 1), NumberStyles.None, CultureInfo.InvariantCulture, out to))
        {
            return false;
        }

        text = line[(space + 1)..].TrimStart();
        return text.Length > 0;
    }
}
