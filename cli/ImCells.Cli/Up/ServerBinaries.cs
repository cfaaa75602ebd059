using ImCells.ClusterHost;

namespace ImCells.Cli.Up;

/// <summary>The built servers and tools, in the configuration of $IMCELLS_CONFIG (default Release).</summary>
internal static class ServerBinaries
{
    private static string Configuration =>
        Environment.GetEnvironmentVariable("IMCELLS_CONFIG") is { Length: > 0 } c ? c : "Release";

    /// <summary>How to start master, login and cells; a CliException names what is not built.</summary>
    public static ServerCommands Locate(string root)
    {
        return ServerCommands.LocateBuilt(root, Configuration, missing => new CliException(
            $"not built: {missing}; run 'dotnet build {Path.Combine(root, RepoRoot.SolutionFile)} -c {Configuration}' (the imcells script does it)"));
    }

    /// <summary>The built load generator (bench/ImCells.Bench).</summary>
    public static string Bench(string root)
    {
        var dll = BuildOutput.Dll(root, "bench/ImCells.Bench", Configuration);
        return File.Exists(dll) ? dll : throw new CliException($"not built: {dll}; run 'dotnet build {Path.Combine(root, RepoRoot.SolutionFile)} -c {Configuration}'");
    }
}
