using ImCells.Cell.Chat;
using ImCells.Protos.Client;

namespace ImCells.Cell.Social;

/// <summary>
/// Sizes and characters a profile and a friend request may have; what is over or refused gets a
/// BAD_REQUEST naming the field. Texts follow <see cref="DisplayText"/> and are stored normalised.
/// </summary>
internal static class SocialLimits
{
    public const int Nickname = 64;
    public const int AvatarUrl = 512;
    public const int StatusText = 256;
    public const int DetailEntries = 20;
    public const int DetailKey = 32;
    public const int DetailValue = 256;
    public const int RequestMessage = 256;

    /// <summary>The profile as it will be stored (texts normalised), or a BAD_REQUEST naming the first bad field.</summary>
    public static Profile Check(Profile profile)
    {
        var clean = new Profile
        {
            Nickname = Text(profile.Nickname, "nickname", Nickname),
            StatusText = Text(profile.StatusText, "status_text", StatusText, multiline: true),
            AvatarUrl = Url(profile.AvatarUrl),
        };
        Require(profile.Details.Count <= DetailEntries, $"details has more than {DetailEntries} entries");
        foreach (var (key, value) in profile.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            var cleanKey = Text(key, $"details key '{Printable(key)}'", DetailKey, required: true);
            Require(!clean.Details.ContainsKey(cleanKey), $"details key '{cleanKey}' appears twice once normalised");
            clean.Details[cleanKey] = Text(value, $"details value of '{cleanKey}'", DetailValue, multiline: true);
        }

        return clean;
    }

    /// <summary>The message of a friend request, normalised.</summary>
    public static string RequestMessageOf(string message) => Text(message, "message", RequestMessage, multiline: true);

    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw ChatRequestException.BadRequest(message);
        }
    }

    private static string Text(string text, string field, int maxLength, bool required = false, bool multiline = false) =>
        DisplayText.Check(text, field, maxLength, out var clean, required, multiline) is { } problem
            ? throw ChatRequestException.BadRequest(problem)
            : clean;

    /// <summary>Empty, or an absolute http(s) URL without spaces or control characters (no javascript:, data: or file:).</summary>
    private static string Url(string url)
    {
        Require(url.Length <= AvatarUrl, $"avatar_url is longer than {AvatarUrl} characters");
        if (url.Length == 0)
        {
            return url;
        }

        Require(Uri.TryCreate(url, UriKind.Absolute, out var uri), "avatar_url is not an absolute URL");
        Require(uri!.Scheme is "https" or "http", $"avatar_url must be an http or https URL, not {uri.Scheme}:");
        Require(!url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format),
            "avatar_url may not contain spaces, control or format characters");
        return url;
    }

    /// <summary>A key as it may be quoted in an error: refused characters shown as U+XXXX.</summary>
    private static string Printable(string key) =>
        string.Concat(key.Take(DetailKey).Select(c => char.IsControl(c) || char.IsSurrogate(c)
            || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format ? $"U+{(int)c:X4}" : c.ToString()));
}
