using ImCells.Protos.Client;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells profile get [--of M] | set [--nickname X] [--avatar URL] [--status TEXT] [--detail key=value ...]:
/// set fetches the own profile, changes only the given fields ("--detail key=" removes key) and stores it.
/// </summary>
internal static class ProfileCommand
{
    private const string Detail = "--detail";

    public static Task<int> RunAsync(string[] argv) => argv switch
    {
        ["get", .. var rest] => GetAsync(rest),
        ["set", .. var rest] => SetAsync(rest),
        [var other, ..] => throw new UsageException($"unknown profile command '{other}' (get or set)"),
        [] => throw new UsageException("profile needs get or set"),
    };

    private static async Task<int> GetAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--of"), ["--json"]);
        var of = args.OptionalUInt64("--of");
        await using var client = await OneShotClient.ConnectAsync(args);
        Print(await client.GetProfileAsync(of ?? client.UserId), args.Has("--json"));
        return 0;
    }

    private static async Task<int> SetAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, UserArgs.With("--nickname", "--avatar", "--status"), ["--json"], [Detail]);
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
