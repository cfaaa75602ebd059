using ImCells.Topology;

namespace ImCells.Cli;

/// <summary>
/// The login servers to talk to: --login (one URL or several, comma-separated), else every login
/// entry of the topology file, tried in order.
/// </summary>
internal static class LoginUrl
{
    public const string Option = "--login";

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
