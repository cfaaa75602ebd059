using System.CommandLine;
using System.Runtime.InteropServices;
using ImCells.Cli.CommandLine;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells chat: prints what is unread and what arrived while this device was away, then live
/// traffic (messages, group entries, read receipts, friends' presence and friend events). Typed
/// lines send ("@M text", "#G text") or are slash commands (/help). With --quiet, or when started in
/// the background of its terminal, it reads no input and stays online until SIGINT or SIGTERM.
/// </summary>
internal static class ChatCommand
{
    public const string Quiet = "--quiet";

    private const string Hint = "type \"@<user number> <text>\" to send, \"#<group number> <text>\" to send to a group, /help for the commands; Ctrl-D or Ctrl-C quits";

    private static readonly TimeSpan GoodbyeAckTimeout = TimeSpan.FromSeconds(2);

    // chat has a default device of its own (one-shot commands of the same user must not sign it out).
    public static Command Build() =>
        new CommandBuilder("chat", "a live client: unread counts, what arrived while away, then live traffic; type \"@M text\", \"#G text\" or /help")
            .User(device: $"the device this chat speaks for (default \"{UserArgs.ChatDevice}\")")
            .Flag(Quiet, "read no input, print traffic only, stay online until SIGINT or SIGTERM (automatic when started in the background with &)")
            .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var options = ResumeFromDeviceCursor(UserArgs.ToClientOptions(args, UserArgs.ChatDevice));
        var input = ChatInput.Open(args.Has(Quiet));

        using var quit = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            quit.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            quit.Cancel();
        });
        try
        {
            await using var client = await ImClient.ConnectAsync(options, quit.Token);
            client.Diagnostic += line => Console.Error.WriteLine($"imcells: {line}");
            Console.Error.WriteLine($"connected as {client.UserId} (cell {client.CellId}); {Banner(input)}");

            // Nicknames first, so the presence snapshot already waiting in the client can name friends.
            var notices = new ChatNotices(client);
            await TryLearnFriendsAsync(client, notices, quit.Token);
            await ChatStart.ShowAsync(client, quit.Token);
            var noticePrinter = notices.RunAsync(quit.Token);
            var printer = PrintIncomingAsync(client, quit);
            await ReadInputAsync(client, notices, input, quit.Token);
            await quit.CancelAsync();
            var code = await printer;
            await noticePrinter;
            await AckShownAsync(client);
            return code;
        }
        catch (OperationCanceledException) when (quit.IsCancellationRequested)
        {
            // Quit while connecting or catching up.
            return ExitCodes.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static string Banner(ChatInput input) => (input.Reads, input.FromTerminal) switch
    {
        (false, _) => "quiet: reading no input, Ctrl-C or SIGTERM quits",
        (true, true) => Hint,
        (true, false) => "running the lines of standard input (/help lists the commands), online after its end until Ctrl-C or SIGTERM",
    };

    /// <summary>`chat` keeps no state on disk: the server's cursor of the device says where it left off.</summary>
    private static ImClientOptions ResumeFromDeviceCursor(ImClientOptions options) => new()
    {
        LoginUrl = options.LoginUrl,
        TrustedCa = options.TrustedCa,
        UserId = options.UserId,
        Password = options.Password,
        DeviceId = options.DeviceId,
        PreferCell = options.PreferCell,
        Region = options.Region,
        AutoAck = true,
        AutoReconnect = true,
        ResumeFromDeviceCursor = true,
    };

    private static async Task ReadInputAsync(ImClient client, ChatNotices notices, ChatInput input, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var line = await input.ReadLineAsync(ct);
            if (line is null)
            {
                if (!input.FromTerminal)
                {
                    // Lines fed from a pipe or file have run out; stay online, as --quiet does.
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }

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
        if (ChatSlash.TryParse(line, out var slash))
        {
            await ExecuteAsync(client, notices, slash, ct);
        }
        else if (!ChatLine.TryParse(line, out var send))
        {
            Console.Error.WriteLine(Hint);
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

    private static async Task ExecuteAsync(ImClient client, ChatNotices notices, ChatSlash slash, CancellationToken ct)
    {
        switch (slash.Name)
        {
            case "/help":
                foreach (var (usage, what) in ChatSlash.All)
                {
                    Console.WriteLine($"  {usage,-16} {what}");
                }

                return;
            case "/read":
                await ChatRead.RunAsync(client, slash.Argument, ct);
                return;
            case "/unread":
                Console.WriteLine((await ChatUnread.FetchAsync(client, ct)).ToString());
                return;
            case "/away":
            case "/back":
                var presence = await client.SetPresenceAsync(slash.Name == "/away" ? Presence.Away : Presence.Online, ct);
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
            default:
                Console.Error.WriteLine($"imcells: no command {slash.Name}; /help lists them");
                return;
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
            return ExitCodes.Failed;
        }

        return ExitCodes.Ok;
    }

    /// <summary>The automatic acks come every 200 ms: ack the last printed message now, so the next start does not show it again.</summary>
    private static async Task AckShownAsync(ImClient client)
    {
        if (client.LastSeq == 0 || !client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(GoodbyeAckTimeout);
        try
        {
            await client.AckAsync(client.LastSeq, timeout.Token);
        }
        catch (Exception e) when (e is ImClientException or TimeoutException or OperationCanceledException)
        {
            // The server keeps the cursor of the last automatic ack: at worst a few lines show again.
        }
    }
}
