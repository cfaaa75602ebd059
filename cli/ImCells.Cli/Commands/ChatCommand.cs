using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells chat: "@M text" lines send to user M, "#G text" to group G, /away /back /friends act on
/// presence and the friend list; incoming messages, group entries, friends' presence and friend
/// events print as they arrive; EOF or Ctrl-C quits.
/// </summary>
internal static class ChatCommand
{
    private const string Help =
        "type \"@<user number> <text>\" to send, \"#<group number> <text>\" to send to a group, /away or /back to set your presence, /friends for the list; Ctrl-D or Ctrl-C quits";

    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.Options);
        var options = UserArgs.ToClientOptions(args, UserArgs.ChatDevice, skipHistory: true);

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
            await using var client = await ImClient.ConnectAsync(options, quit.Token);
            client.Diagnostic += line => Console.Error.WriteLine($"imcells: {line}");
            Console.Error.WriteLine($"connected as {client.UserId} (cell {client.CellId}); {Help}");

            // Nicknames first, so the presence snapshot already waiting in the client can name friends.
            var notices = new ChatNotices(client);
            await TryLearnFriendsAsync(client, notices, quit.Token);
            var noticePrinter = notices.RunAsync(quit.Token);
            var printer = PrintIncomingAsync(client, quit);
            await ReadInputAsync(client, notices, quit.Token);
            await quit.CancelAsync();
            var code = await printer;
            await noticePrinter;
            return code;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task ReadInputAsync(ImClient client, ChatNotices notices, CancellationToken ct)
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

            try
            {
                await ExecuteAsync(client, notices, line.Trim(), ct);
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

    private static async Task ExecuteAsync(ImClient client, ChatNotices notices, string line, CancellationToken ct)
    {
        switch (line)
        {
            case "/away":
            case "/back":
                var presence = await client.SetPresenceAsync(line == "/away" ? Presence.Away : Presence.Online, ct);
                Console.WriteLine($"presence {FriendFormat.Word(presence.Presence)}");
                return;
            case "/friends":
                var list = await client.FriendListAsync(ct);
                notices.Learn(list);
                foreach (var entry in FriendFormat.Text(list))
                {
                    Console.WriteLine(entry);
                }

                return;
        }

        if (!ChatLine.TryParse(line, out var send))
        {
            Console.Error.WriteLine(Help);
        }
        else if (send.ToGroup)
        {
            var ack = await client.SendGroupAsync(send.To, send.Text, ct: ct);
            Console.WriteLine($"sent #{ack.Seq} to group {send.To}");
        }
        else
        {
            var ack = await client.SendAsync(send.To, send.Text, ct: ct);
            Console.WriteLine($"sent #{ack.Seq} to {send.To}");
        }
    }

    /// <summary>Best effort: without the list, notices name friends by number only.</summary>
    private static async Task TryLearnFriendsAsync(ImClient client, ChatNotices notices, CancellationToken ct)
    {
        try
        {
            notices.Learn(await client.FriendListAsync(ct));
        }
        catch (Exception e) when (e is ImClientException or TimeoutException)
        {
            Console.Error.WriteLine($"imcells: friend list unavailable: {e.Message}");
        }
    }

    /// <summary>Prints until quit; returns the exit code (1 when the client gave up, e.g. kicked).</summary>
    private static async Task<int> PrintIncomingAsync(ImClient client, CancellationTokenSource quit)
    {
        try
        {
            await foreach (var message in client.Messages.ReadAllAsync(quit.Token))
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

        return 0;
    }
}
