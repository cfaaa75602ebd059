using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>What is unread for `chat` (at start, /unread, /read): the one-to-one conversations and groups with their counts.</summary>
internal sealed record ChatUnread(ulong Total, IReadOnlyList<Conversation> Conversations, IReadOnlyList<GroupConversation> Groups)
{
    // Conversations come most recent first; an unread one further back than this is still in the total.
    private const int MaxConversations = 500;

    public static async Task<ChatUnread> FetchAsync(ImClient client, CancellationToken ct)
    {
        var unread = new List<Conversation>();
        var seen = 0;
        ulong before = 0;
        ConversationsResult page;
        do
        {
            page = await client.ConversationsAsync(limit: 100, beforeSeq: before, ct: ct);
            unread.AddRange(page.Conversations.Where(c => c.Unread > 0));
            seen += page.Conversations.Count;
            before = page.Conversations.Count > 0 ? page.Conversations[^1].LastMessage?.Seq ?? 0 : 0;
        }
        while (page.HasMore && before > 0 && seen < MaxConversations);

        // The group list's total counts groups and one-to-one conversations together, as of the later answer.
        var groups = await client.GroupListAsync(ct);
        return new ChatUnread(groups.TotalUnread, unread, [.. groups.Groups.Where(g => g.Unread > 0)]);
    }

    public override string ToString() => ChatFormat.Unread(Total, Conversations, Groups);
}
