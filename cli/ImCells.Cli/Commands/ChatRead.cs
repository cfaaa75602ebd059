using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// /read in `chat`: nothing is marked read until the user says so (a chat left running in the
/// background is not a person reading), then the server sends the senders their read receipts
/// when the reader's setting allows.
/// </summary>
internal static class ChatRead
{
    public static async Task RunAsync(ImClient client, string argument, CancellationToken ct)
    {
        if (argument.Length == 0)
        {
            await AllAsync(client, ct);
        }
        else if (!ChatSlash.TryTarget(argument, out var group, out var number))
        {
            Console.Error.WriteLine($"imcells: /read takes a user number (M or @M) or a group (#G), not '{argument}'");
        }
        else if (group)
        {
            var list = await client.GroupListAsync(ct);
            if (list.Groups.FirstOrDefault(g => g.Group == number) is { } found)
            {
                Console.WriteLine(ChatFormat.Read(await client.MarkGroupReadAsync(number, found.HeadSeq, ct)));
            }
            else
            {
                Console.Error.WriteLine($"imcells: you are not in group {number}");
            }
        }
        else
        {
            // Up to the newest message this chat has received: the server counts what is left.
            Console.WriteLine(ChatFormat.Read(await client.MarkReadAsync(number, client.LastSeq, ct)));
        }
    }

    private static async Task AllAsync(ImClient client, CancellationToken ct)
    {
        var unread = await ChatUnread.FetchAsync(client, ct);
        if (unread.Conversations.Count == 0 && unread.Groups.Count == 0)
        {
            Console.WriteLine("nothing unread");
            return;
        }

        foreach (var conversation in unread.Conversations)
        {
            var seq = conversation.LastMessage?.Seq ?? client.LastSeq;
            Console.WriteLine(ChatFormat.Read(await client.MarkReadAsync(conversation.Peer, seq, ct)));
        }

        foreach (var group in unread.Groups)
        {
            Console.WriteLine(ChatFormat.Read(await client.MarkGroupReadAsync(group.Group, group.HeadSeq, ct)));
        }
    }
}
