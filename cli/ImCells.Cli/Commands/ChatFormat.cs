using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// The lines `chat` prints besides messages: what is unread when it starts, the messages that arrived
/// while the device was away, read receipts and the answers to /read. Conversations are named the way
/// they are typed: "@M" for a user, "#G" for a group.
/// </summary>
internal static class ChatFormat
{
    /// <summary>"unread N: @M 2, #G "name" 3" — or "no unread messages"; only conversations with something unread.</summary>
    public static string Unread(ulong total, IEnumerable<Conversation> conversations, IEnumerable<GroupConversation> groups)
    {
        var parts = conversations.Where(c => c.Unread > 0).Select(c => $"@{c.Peer} {c.Unread}")
            .Concat(groups.Where(g => g.Unread > 0).Select(Unread))
            .ToList();
        if (total == 0 && parts.Count == 0)
        {
            return "no unread messages";
        }

        return parts.Count == 0 ? $"unread {total}" : $"unread {total}: {string.Join(", ", parts)}";
    }

    /// <summary>The line above the messages that arrived while the device was away ("" when none did).</summary>
    public static string Away(int arrived, int shown) => arrived switch
    {
        0 => "",
        _ when shown < arrived => $"{arrived} messages since this device was last online, the newest {shown}:",
        1 => "1 message since this device was last online:",
        _ => $"{arrived} messages since this device was last online:",
    };

    /// <summary>"* M read your messages up to #seq": seq is that of the sender's own mailbox, as "sent #seq" said.</summary>
    public static string Receipt(ReadReceipt receipt, string who) =>
        $"* {who} read your messages up to #{receipt.Seq} at {IsoTime.Format(receipt.ReadAtMs)}";

    public static string Read(MarkReadOk ok) => $"read @{ok.Peer} up to #{ok.ReadSeq}: unread {ok.Unread}, total {ok.TotalUnread}";

    public static string Read(GroupReadOk ok) => $"read #{ok.Group} up to #{ok.ReadSeq}: unread {ok.Unread}, total {ok.TotalUnread}";

    private static string Unread(GroupConversation group)
    {
        var line = group.Name.Length > 0 ? $"#{group.Group} \"{group.Name}\" {group.Unread}" : $"#{group.Group} {group.Unread}";
        return group.Mentions > 0 ? $"{line} ({group.Mentions} mentioning you)" : line;
    }
}
