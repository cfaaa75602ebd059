using System.Text.Json;
using ImCells.Protos.Client;
using EventKind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Cli;

/// <summary>
/// How group entries, members and the user's groups are printed, by `group`, `conversations` and
/// `chat`: "[group G #seq] from: text" for a message, "[group G #seq] from added M" for an event.
/// </summary>
internal static class GroupFormat
{
    // An event about a thousand members would be a thousand numbers long.
    private const int MembersShown = 10;

    public static string Text(GroupEntry entry) => $"[group {entry.Group} #{entry.Seq}] {Body(entry)}";

    /// <summary>The entry without its group: "from: text", or the event in words.</summary>
    public static string Body(GroupEntry entry) => entry.Event is { } groupEvent
        ? $"{entry.From} {Describe(groupEvent)}"
        : $"{entry.From}: {entry.Text}";

    /// <summary>"owner", "admin", "member", or "left" for a group the user is no longer in.</summary>
    public static string Word(GroupRole role) => role switch
    {
        GroupRole.Owner => "owner",
        GroupRole.Admin => "admin",
        GroupRole.Member => "member",
        _ => "left",
    };

    /// <summary>The role a command line names; the usage error says which words there are.</summary>
    public static GroupRole ParseRole(string option, string value) => value switch
    {
        "member" => GroupRole.Member,
        "admin" => GroupRole.Admin,
        "owner" => GroupRole.Owner,
        _ => throw new UsageException($"{option} must be member, admin or owner, not '{value}'"),
    };

    /// <summary>"group G "name"  role  unread n  mentions m  #seq last entry".</summary>
    public static string Text(GroupConversation group)
    {
        var line = $"group {group.Group} \"{group.Name}\"  {Word(group.Role)}  unread {group.Unread}  mentions {group.Mentions}";
        return group.LastEntry is { } last ? $"{line}  #{last.Seq} {Body(last)}" : line;
    }

    public static string Text(GroupMember member) => $"{member.User}  {Word(member.Role)}  joined #{member.JoinSeq}";

    public static string Json(GroupEntry entry) => MessageFormat.JsonLine(writer => Write(writer, entry));

    public static string Json(GroupMember member) => MessageFormat.JsonLine(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("user", member.User);
        writer.WriteString("role", Word(member.Role));
        writer.WriteNumber("joinSeq", member.JoinSeq);
        writer.WriteEndObject();
    });

    public static string Json(GroupConversation group) => MessageFormat.JsonLine(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("group", group.Group);
        writer.WriteString("name", group.Name);
        writer.WriteString("role", Word(group.Role));
        writer.WriteNumber("unread", group.Unread);
        writer.WriteNumber("mentions", group.Mentions);
        writer.WriteNumber("readSeq", group.ReadSeq);
        writer.WriteNumber("headSeq", group.HeadSeq);
        if (group.LastEntry is { } last)
        {
            writer.WritePropertyName("last");
            Write(writer, last);
        }

        writer.WriteEndObject();
    });

    /// <summary>The entry as one JSON object: a message has "text", an event has "event".</summary>
    public static void Write(Utf8JsonWriter writer, GroupEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteNumber("group", entry.Group);
        writer.WriteNumber("seq", entry.Seq);
        writer.WriteString("id", entry.Id);
        writer.WriteNumber("from", entry.From);
        writer.WriteString("sentAt", IsoTime.Format(entry.SentAtMs));
        if (entry.Event is { } groupEvent)
        {
            writer.WriteStartObject("event");
            writer.WriteString("kind", groupEvent.Kind.ToString().ToLowerInvariant());
            WriteNumbers(writer, "members", groupEvent.Members);
            if (groupEvent.Role != GroupRole.None)
            {
                writer.WriteString("role", Word(groupEvent.Role));
            }

            if (groupEvent.Name.Length > 0)
            {
                writer.WriteString("name", groupEvent.Name);
            }

            writer.WriteEndObject();
        }
        else
        {
            writer.WriteString("text", entry.Text);
            WriteNumbers(writer, "mentions", entry.Mentions);
        }

        writer.WriteEndObject();
    }

    private static string Describe(GroupEvent groupEvent) => groupEvent.Kind switch
    {
        EventKind.Created => $"created the group \"{groupEvent.Name}\"",
        EventKind.Added => $"added {Members(groupEvent)}",
        EventKind.Removed => $"removed {Members(groupEvent)}",
        EventKind.Left => "left",
        EventKind.Joined => "joined",
        EventKind.Role => $"made {Members(groupEvent)} {Word(groupEvent.Role)}",
        EventKind.Renamed => $"renamed the group to \"{groupEvent.Name}\"",
        EventKind.Dissolved => "dissolved the group",
        _ => groupEvent.Kind.ToString(),
    };

    private static string Members(GroupEvent groupEvent)
    {
        var shown = string.Join(", ", groupEvent.Members.Take(MembersShown));
        var more = groupEvent.Members.Count - MembersShown;
        return more > 0 ? $"{shown} and {more} more" : shown;
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, IEnumerable<ulong> numbers)
    {
        writer.WriteStartArray(name);
        foreach (var number in numbers)
        {
            writer.WriteNumberValue(number);
        }

        writer.WriteEndArray();
    }
}
