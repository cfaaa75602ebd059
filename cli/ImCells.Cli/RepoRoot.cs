namespace ImCells.Cli;

/// <summary>Finds the repository (the folder holding ImCells.sln) and the default topology.json.</summary>
internal static class RepoRoot
{
    public const string SolutionFile = "ImCells.sln";
    public const string TopologyFile = "topology.json";

    /// <summary>The data folder under the root: databases, keys, data/pki.</summary>
    public const string DataFolder = "data";

    /// <summary>$IMCELLS_ROOT (set by the imcells script), else the nearest parent holding ImCells.sln.</summary>
    public static string Find() =>
        TryFind() ?? throw new CliException($"cannot find the repository root: set IMCELLS_ROOT or run inside the folder holding {SolutionFile}");

    /// <summary>Like <see cref="Find"/>, but null when there is no repository root.</summary>
    public static string? TryFind()
    {
        if (Environment.GetEnvironmentVariable("IMCELLS_ROOT") is { Length: > 0 } root)
        {
            return Path.GetFullPath(root);
        }

        // The current folder first; then where this binary lives (<root>/cli/ImCells.Cli/bin/...).
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }

    /// <summary>./topology.json, else $IMCELLS_ROOT/topology.json; null when neither exists.</summary>
    public static string? FindTopology()
    {
        var local = Path.GetFullPath(TopologyFile);
        if (File.Exists(local))
        {
            return local;
        }

        if (Environment.GetEnvironmentVariable("IMCELLS_ROOT") is { Length: > 0 } root)
        {
            var rooted = Path.Combine(Path.GetFullPath(root), TopologyFile);
            if (File.Exists(rooted))
            {
                return rooted;
            }
        }

        return null;
    }
}
