using ImCells.Client;
using ImCells.Topology;

namespace ImCells.Cli;

/// <summary>
/// The login servers to talk to: --login (one URL or several, comma-separated), else every login
/// entry of the topology file, tried in order; https:// ones checked against the CA of <see cref="CaFile"/>.
/// </summary>
internal static class LoginUrl
{
    public const string Option = "--login";

    /// <summary>The options of every command that talks to login: where, and which CA to trust.</summary>
    public static readonly string[] Options = [Option, CaFile.Option];

    /// <summary>The login API the options name.</summary>
    public static LoginApi OpenApi(CliArgs args) => new(Resolve(args), CaFile.Resolve(args));

    public static string Resolve(CliArgs args)
    {
        if (args.Optional(Option) is { } url)
        {
            return Validate(url);
        }

        var path = RepoRoot.FindTopology()
                   ?? throw new UsageException("no --login URL given and no topology.json in the current folder or $IMCELLS_ROOT");
        var map = TopologyFile.Load(path);
        var urls = map.Login.Select(l => l.Http).Where(h => !string.IsNullOrEmpty(h)).ToList();
        return urls.Count > 0
            ? string.Join(',', urls)
            : throw new UsageException($"no --login URL given and {path} lists no login server");
    }

    /// <summary>Each comma-separated entry must be an absolute http:// or https:// URL: anything else is a usage error, not a crash later.</summary>
    internal static string Validate(string urls)
    {
        var entries = urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (entries.Length == 0)
        {
            throw new UsageException($"{Option} needs at least one URL");
        }

        foreach (var entry in entries)
        {
            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"{Option} must be http:// or https:// URLs, comma-separated, not '{entry}'");
            }
        }

        return urls;
    }
}
