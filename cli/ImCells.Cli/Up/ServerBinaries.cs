namespace ImCells.Cli.Up;

/// <summary>Where the built servers live: &lt;root&gt;/&lt;part&gt;/ImCells.X/bin/&lt;config&gt;/net10.0/ImCells.X.dll.</summary>
internal sealed record ServerBinaries(string Master, string Login, string Cell)
{
    public static ServerBinaries Locate(string root)
    {
        var config = Environment.GetEnvironmentVariable("IMCELLS_CONFIG") is { Length: > 0 } c ? c : "Release";
        var binaries = new ServerBinaries(
            Dll(root, "master", "ImCells.Master", config),
            Dll(root, "login", "ImCells.Login", config),
            Dll(root, "cell", "ImCells.Cell", config));
        var missing = new[] { binaries.Master, binaries.Login, binaries.Cell }.Where(p => !File.Exists(p)).ToList();
        return missing.Count == 0
            ? binaries
            : throw new CliException(
                $"not built: {string.Join(", ", missing)}; run 'dotnet build {Path.Combine(root, RepoRoot.SolutionFile)} -c {config}' (the imcells script does it)");
    }

    /// <summary>The built load generator (bench/ImCells.Bench).</summary>
    public static string Bench(string root)
    {
        var config = Environment.GetEnvironmentVariable("IMCELLS_CONFIG") is { Length: > 0 } c ? c : "Release";
        var dll = Dll(root, "bench", "ImCells.Bench", config);
        return File.Exists(dll) ? dll : throw new CliException($"not built: {dll}; run 'dotnet build {Path.Combine(root, RepoRoot.SolutionFile)} -c {config}'");
    }

    private static string Dll(string root, string folder, string project, string config) =>
        Path.Combine(root, folder, project, "bin", config, "net10.0", project + ".dll");
}
