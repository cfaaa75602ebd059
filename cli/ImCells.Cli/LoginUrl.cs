using ImCells.Common.Topology;

namespace ImCells.Cli;

/// <summary>The login server to talk to: --login, else the first login entry of the topology file.</summary>
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
        return map.Login.Select(l => l.Http).FirstOrDefault(h => !string.IsNullOrEmpty(h))
               ?? throw new UsageException($"no --login URL given and {path} lists no login server");
    }
}
