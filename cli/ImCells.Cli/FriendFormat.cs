using ImCells.Protos.Client;

namespace ImCells.Cli;

/// <summary>How friends, requests and presence are printed, by `friends list` and by `chat`.</summary>
internal static class FriendFormat
{
    /// <summary>"online", "away" or "offline".</summary>
    public static string Word(Presence presence) => presence switch
    {
        Presence.Online => "online",
        Presence.Away => "away",
        _ => "offline",
    };

    public static string LastSeen(long unixMs) => unixMs > 0 ? IsoTime.Format(unixMs) : "never";

    /// <summary>"M (nickname)", or "M" when the nickname is not known.</summary>
    public static string Who(ulong user, string? nickname) =>
        string.IsNullOrEmpty(nickname) ? $"{user}" : $"{user} ({nickname})";

    /// <summary>One line per friend, then the pending requests both ways and the blacklist.</summary>
    public static IEnumerable<string> Text(FriendList list)
    {
        if (list.Friends.Count == 0)
        {
            yield return "no friends";
        }

        foreach (var friend in list.Friends)
        {
            var nickname = friend.Nickname.Length > 0 ? friend.Nickname : "-";
            yield return $"{friend.User}  {nickname}  {Word(friend.Presence)}  last seen {LastSeen(friend.LastSeenMs)}";
        }

        foreach (var request in list.Incoming)
        {
            yield return $"incoming: {request.User} ({request.Nickname}) \"{request.Message}\"";
        }

        foreach (var request in list.Outgoing)
        {
            yield return $"outgoing: {request.User}";
        }

        foreach (var user in list.Blocked)
        {
            yield return $"blocked: {user}";
        }
    }

    /// <summary>One friend as one JSON object: user, nickname, presence, lastSeen (null for never).</summary>
    public static string Json(Friend friend) => MessageFormat.JsonLine(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("user", friend.User);
        writer.WriteString("nickname", friend.Nickname);
        writer.WriteString("presence", Word(friend.Presence));
        if (friend.LastSeenMs > 0)
        {
            writer.WriteString("lastSeen", IsoTime.Format(friend.LastSeenMs));
        }
        else
        {
            writer.WriteNull("lastSeen");
        }

        writer.WriteEndObject();
    });
}
