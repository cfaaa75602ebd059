using ImCells.ClusterHost;

namespace ImCells.Cluster.Tests.Hosting;

/// <summary>The repository and the configuration this test assembly was built in, to find the servers of the same build.</summary>
internal static class TestBuild
{
    public static string Root { get; } = BuildOutput.FindRoot(AppContext.BaseDirectory, "ImCells.sln")
        ?? throw new InvalidOperationException($"no ImCells.sln above {AppContext.BaseDirectory}");

    /// <summary>The "Debug" or "Release" in .../bin/&lt;Configuration&gt;/net10.0/ of this assembly.</summary>
    public static string Configuration { get; } = FindConfiguration();

    /// <summary>The built master, login and cell of this configuration; throws naming what is not built.</summary>
    public static ServerCommands Servers()
    {
        return ServerCommands.LocateBuilt(Root, Configuration, missing => new FileNotFoundException(
            $"not built: {missing}; build the test project (it builds the servers) in configuration {Configuration}"));
    }

    /// <summary>The built imcells CLI of this configuration.</summary>
    public static string CliDll()
    {
        var dll = BuildOutput.Dll(Root, "cli/ImCells.Cli", Configuration);
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is missing; build the test project in configuration {Configuration}", dll);
    }

    private static string FindConfiguration()
    {
        var location = typeof(TestBuild).Assembly.Location;
        var parts = Path.GetDirectoryName(location)!.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        return bin >= 0 && bin + 1 < parts.Length
            ? parts[bin + 1]
            : throw new InvalidOperationException($"cannot tell the build configuration from {location}");
    }
}
