namespace ImCells.ClusterHost;

/// <summary>Where a project of this repository puts its build: &lt;root&gt;/&lt;folder&gt;/bin/&lt;configuration&gt;/net10.0/&lt;name&gt;.dll.</summary>
public static class BuildOutput
{
    public const string TargetFramework = "net10.0";

    /// <summary>The built assembly of the project in <paramref name="projectFolder"/> (e.g. "cell/ImCells.Cell"), present or not.</summary>
    public static string Dll(string root, string projectFolder, string configuration) =>
        Path.Combine(root, projectFolder, "bin", configuration, TargetFramework, Path.GetFileName(projectFolder) + ".dll");

    /// <summary>The nearest folder at or above <paramref name="start"/> holding <paramref name="marker"/> (e.g. ImCells.sln); null if none.</summary>
    public static string? FindRoot(string start, string marker)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, marker)))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
