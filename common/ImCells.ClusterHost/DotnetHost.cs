namespace ImCells.ClusterHost;

/// <summary>The dotnet host to start .NET programs with.</summary>
internal static class DotnetHost
{
    /// <summary>The host this process runs under when it is dotnet itself (so PATH does not matter), else "dotnet".</summary>
    public static string Path { get; } =
        System.Environment.ProcessPath is { } path && System.IO.Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";
}
