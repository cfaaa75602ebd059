using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// What `chat` prints before live traffic: the unread counts, then the messages that arrived since
/// this device was last online (the client resumes after the seq the device last acknowledged).
/// </summary>
internal static class ChatStart
{
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(30);

    // A first run of a device replays the whole mailbox: show its end, history has the rest.
    private const int AwayShown = 50;

    public static async Task ShowAsync(ImClient client, CancellationToken ct)
    {
        using (var catchUp = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            catchUp.CancelAfter(CatchUpTimeout);
            try
            {
                await client.WaitCaughtUpAsync(catchUp.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new TimeoutException($"mailbox not synced within {CatchUpTimeout.TotalSeconds:0} s (at seq {client.LastSeq})");
            }
        }

        Console.WriteLine((await ChatUnread.FetchAsync(client, ct)).ToString());

        var away = new Queue<ChatMessage>();
        var arrived = 0;
        while (client.Messages.TryRead(out var message))
        {
            arrived++;
            away.Enqueue(message);
            if (away.Count > AwayShown)
            {
                away.Dequeue();
            }
        }

        if (arrived > 0)
        {
            Console.WriteLine(ChatFormat.Away(arrived, away.Count));
            foreach (var message in away)
            {
                Console.WriteLine(MessageFormat.Text(message));
            }
        }
    }
}
