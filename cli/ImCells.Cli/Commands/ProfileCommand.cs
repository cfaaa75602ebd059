using System.CommandLine;
using ImCells.Cli.CommandLine;
using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells profile get [--peer M] | set [--nickname X] [--avatar URL] [--status TEXT] [--detail key=value ...]:
/// set fetches the own profile, changes only the given fields ("--detail key=" removes key) and stores it.
/// </summary>
internal static class ProfileCommand
{
    private const string Detail = "--detail";

    public static Command Build() => new CommandBuilder("profile", "profiles: get, set")
        .Sub(new CommandBuilder("get", "a user's profile")
            .User()
            .Value(CommonOptions.Peer, "M", "whose profile (default: your own)", required: false, "--of")
            .Flag("--json", "one JSON object")
            .Run(GetAsync))
        .Sub(new CommandBuilder("set", "change your profile: only the fields given")
            .User()
            .Value("--nickname", "X", "the name others see")
            .Value("--avatar", "URL", "the picture others see")
            .Value("--status", "TEXT", "a line others see")
            .Repeated(Detail, "KEY=VALUE", "a free field, repeatable; \"key=\" removes key")
            .Flag("--json", "print the stored profile as one JSON object")
            .Run(SetAsync))
        .Group();

    private static async Task<int> GetAsync(CliArgs args)
    {
        var of = args.OptionalUInt64(CommonOptions.Peer);
        await using var client = await OneShotClient.ConnectAsync(args);
        Print(await client.GetProfileAsync(of ?? client.UserId), args.Has("--json"));
        return 0;
    }

    private static async Task<int> SetAsync(CliArgs args)
    {
        var nickname = args.Optional("--nickname");
        var avatar = args.Optional("--avatar");
        var status = args.Optional("--status");
        var details = args.All(Detail).Select(ParseDetail).ToList();
        if (nickname is null && avatar is null && status is null && details.Count == 0)
        {
            throw new UsageException("profile set needs --nickname, --avatar, --status or --detail");
        }

        await using var client = await OneShotClient.ConnectAsync(args);
        var profile = await client.GetProfileAsync(client.UserId);
        profile.Nickname = nickname ?? profile.Nickname;
        profile.AvatarUrl = avatar ?? profile.AvatarUrl;
        profile.StatusText = status ?? profile.StatusText;
        foreach (var (key, value) in details)
        {
            if (value.Length == 0)
            {
                profile.Details.Remove(key);
            }
            else
            {
                profile.Details[key] = value;
            }
        }

        Print(await client.SetProfileAsync(profile), args.Has("--json"));
        return 0;
    }

    private static (string Key, string Value) ParseDetail(string detail)
    {
        var equals = detail.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? (detail[..equals], detail[(equals + 1)..])
            : throw new UsageException($"{Detail} must be key=value (key= removes key), not '{detail}'");
    }

    private static void Print(Profile profile, bool json)
    {
        IEnumerable<string> lines = json ? [ProfileFormat.Json(profile)] : ProfileFormat.Text(profile);
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }
    }
}
