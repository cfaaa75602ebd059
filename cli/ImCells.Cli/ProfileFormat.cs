using ImCells.Protos.Client;

namespace ImCells.Cli;

/// <summary>How a profile is printed: "field: value" lines, or one JSON object.</summary>
internal static class ProfileFormat
{
    public static IEnumerable<string> Text(Profile profile)
    {
        yield return $"number: {profile.UserId}";
        yield return $"name: {profile.Name}";
        yield return $"nickname: {profile.Nickname}";
        yield return $"avatar: {profile.AvatarUrl}";
        yield return $"status: {profile.StatusText}";
        foreach (var (key, value) in profile.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            yield return $"{key}: {value}";
        }

        yield return $"home cell: {profile.HomeCell}";
    }

    public static string Json(Profile profile) => MessageFormat.JsonLine(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("number", profile.UserId);
        writer.WriteString("name", profile.Name);
        writer.WriteString("nickname", profile.Nickname);
        writer.WriteString("avatar", profile.AvatarUrl);
        writer.WriteString("status", profile.StatusText);
        writer.WriteStartObject("details");
        foreach (var (key, value) in profile.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
        writer.WriteString("homeCell", profile.HomeCell);
        if (profile.UpdatedAtMs > 0)
        {
            writer.WriteString("updatedAt", IsoTime.Format(profile.UpdatedAtMs));
        }

        writer.WriteEndObject();
    });
}
