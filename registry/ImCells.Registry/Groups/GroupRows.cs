using System.Globalization;
using Google.Protobuf;
using ImCells.Protos.Client;

namespace ImCells.Registry.Groups;

/// <summary>Rows as Dapper reads them (64-bit integers, bytes), turned into records and wire entries.</summary>
internal static class GroupRows
{
    public const string GroupColumns =
        "id AS Id, name AS Name, owner AS Owner, head_seq AS HeadSeq, member_count AS MemberCount, joinable AS Joinable, history_visible AS HistoryVisible, dissolved AS Dissolved";

    public const string EntryColumns =
        "group_id AS GroupId, seq AS Seq, entry_id AS EntryId, from_user AS FromUser, text AS Text, event AS Event, mentions AS Mentions, sent_at_ms AS SentAtMs";

    internal sealed class GroupRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public long Owner { get; init; }
        public long HeadSeq { get; init; }
        public long MemberCount { get; init; }
        public long Joinable { get; init; }
        public long HistoryVisible { get; init; }
        public long Dissolved { get; init; }

        public GroupRecord ToRecord() => new((ulong)Id, Name, (ulong)Owner, (ulong)HeadSeq, (int)MemberCount, Joinable != 0, HistoryVisible != 0, Dissolved != 0);
    }

    internal sealed class MemberRow
    {
        public long UserId { get; init; }
        public long Role { get; init; }
        public long JoinSeq { get; init; }
        public long? LeftSeq { get; init; }

        public MemberRecord ToRecord() => new((ulong)UserId, (GroupRole)Role, (ulong)JoinSeq, (ulong?)LeftSeq);
    }

    internal sealed class EntryRow
    {
        public long GroupId { get; init; }
        public long Seq { get; init; }
        public string EntryId { get; init; } = "";
        public long FromUser { get; init; }
        public string Text { get; init; } = "";
        public byte[]? Event { get; init; }
        public string Mentions { get; init; } = "";
        public long SentAtMs { get; init; }

        public GroupEntry ToEntry()
        {
            var entry = new GroupEntry
            {
                Group = (ulong)GroupId,
                Seq = (ulong)Seq,
                Id = EntryId,
                From = (ulong)FromUser,
                Text = Text,
                SentAtMs = SentAtMs,
                Event = Event is null ? null : GroupEvent.Parser.ParseFrom(Event),
            };
            entry.Mentions.AddRange(ParseMentions(Mentions));
            return entry;
        }
    }

    public static string FormatMentions(IEnumerable<ulong> mentions) =>
        string.Join(",", mentions.Select(m => m.ToString(CultureInfo.InvariantCulture)));

    private static IEnumerable<ulong> ParseMentions(string mentions) =>
        mentions.Length == 0 ? [] : mentions.Split(',').Select(m => ulong.Parse(m, CultureInfo.InvariantCulture));

    public static byte[]? EventBytes(GroupEntry entry) => entry.Event?.ToByteArray();
}
