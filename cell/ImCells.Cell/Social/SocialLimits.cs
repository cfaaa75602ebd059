using ImCells.Cell.Chat;
using ImCells.Protos.Client;

namespace ImCells.Cell.Social;

/// <summary>Sizes a profile may have; what is over gets a BAD_REQUEST naming the field.</summary>
internal static class SocialLimits
{
    public const int Nickname = 64;
    public const int AvatarUrl = 512;
    public const int StatusText = 256;
    public const int DetailEntries = 20;
    public const int DetailKey = 32;
    public const int DetailValue = 256;
    public const int RequestMessage = 256;

    public static void Check(Profile profile)
    {
        Require(profile.Nickname.Length <= Nickname, $"nickname is longer than {Nickname} characters");
        Require(profile.AvatarUrl.Length <= AvatarUrl, $"avatar_url is longer than {AvatarUrl} characters");
        Require(profile.AvatarUrl.Length == 0 || Uri.TryCreate(profile.AvatarUrl, UriKind.Absolute, out _), "avatar_url is not an absolute URL");
        Require(profile.StatusText.Length <= StatusText, $"status_text is longer than {StatusText} characters");
        Require(profile.Details.Count <= DetailEntries, $"details has more than {DetailEntries} entries");
        foreach (var (key, value) in profile.Details)
        {
            Require(key.Length is > 0 and <= DetailKey, $"details key '{key}' must be 1-{DetailKey} characters");
            Require(value.Length <= DetailValue, $"details value of '{key}' is longer than {DetailValue} characters");
        }
    }

    public static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw ChatRequestException.BadRequest(message);
        }
    }
}
