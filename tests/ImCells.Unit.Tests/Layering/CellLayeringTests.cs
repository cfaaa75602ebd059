using System.Text.RegularExpressions;

namespace ImCells.Unit.Tests.Layering;

/// <summary>
/// The cell's folders are layers: the front door on top, the features in the middle, delivery to
/// devices and the connection at the bottom. A folder may use the folders below it, never one
/// above it, so no two folders depend on each other both ways. Read from the sources: a folder
/// depends on another when one of its files names that folder's namespace.
/// </summary>
public sealed partial class CellLayeringTests
{
    // Top to bottom. A folder may depend only on folders listed after it.
    private static readonly string[] Layers =
        ["FrontDoor", "Accounts", "Roaming", "Groups", "Messaging", "Social", "Presence", "Delivery", "Chat"];

    [Fact]
    public void CellFolders_DependOnlyOnLowerLayers()
    {
        var cell = Path.Combine(RepositoryRoot(), "cell", "ImCells.Cell");
        var folders = Directory.GetDirectories(cell).Select(Path.GetFileName)
            .Where(f => f is not ("bin" or "obj")).Select(f => f!).ToList();
        Assert.Equal(Layers.Order(), folders.Order());

        var wrong = new List<string>();
        foreach (var folder in folders)
        {
            var allowed = Layers.Skip(Array.IndexOf(Layers, folder) + 1).ToHashSet();
            foreach (var file in Directory.GetFiles(Path.Combine(cell, folder), "*.cs", SearchOption.AllDirectories))
            {
                foreach (Match m in CellNamespace().Matches(File.ReadAllText(file)))
                {
                    var used = m.Groups[1].Value;
                    if (used != folder && !allowed.Contains(used))
                    {
                        wrong.Add($"{folder}/{Path.GetFileName(file)} uses {used}");
                    }
                }
            }
        }

        Assert.True(wrong.Count == 0, "upward or sideways-up dependencies:\n" + string.Join("\n", wrong.Distinct()));
    }

    [GeneratedRegex(@"\bImCells\.Cell\.([A-Za-z]+)\b")]
    private static partial Regex CellNamespace();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImCells.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no ImCells.sln above {AppContext.BaseDirectory}");
    }
}
