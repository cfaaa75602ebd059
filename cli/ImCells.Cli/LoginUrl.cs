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
            return url;
        }

        var path = RepoRoot.FindTopology()
                   ?? throw new UsageException("no --login URL given and no topology.json in the current folder or $IMCELLS_ROOT");
        var map = TopologyFile.Load(path);
        var urls = map.Login.Select(l => l.Http).Where(h => !string.IsNullOrEmpty(h)).ToList();
        return urls.Count > 0
            ? string.Join(',', urls)
            : throw new UsageException($"no --login URL given and {path} lists no login server");
    }
}
