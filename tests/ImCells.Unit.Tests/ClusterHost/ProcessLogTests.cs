using ImCells.ClusterHost;

namespace ImCells.Unit.Tests.ClusterHost;

public sealed class ProcessLogTests
{
    [Fact]
    public void OverCapacity_KeepsNewestAndSaysWhereTheRestIs()
    {
        var file = Path.Combine(Path.GetTempPath(), $"imcells-log-{Guid.NewGuid():N}.log");
        try
        {
            using (var log = new ProcessLog(capacity: 3, filePath: file))
            {
                for (var i = 1; i <= 5; i++)
                {
                    log.Write("p", $"line {i}");
                }

                var dump = log.Dump();
                Assert.DoesNotContain("line 2", dump);
                Assert.Contains("[p] line 3", dump);
                Assert.Contains("[p] line 5", dump);
                Assert.Contains($"2 earlier lines dropped from memory; all of them are in {file}", dump);
            }

            Assert.Equal(5, File.ReadAllLines(file).Length);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void DumpSinceMark_OnlyLaterLines_NotesNotEchoed()
    {
        var echoed = new List<string>();
        using var log = new ProcessLog(echo: echoed.Add);
        log.Write("cell a", "before");
        var mark = log.Mark();
        log.Write("cell a", "after");
        log.Note("cell a killed");

        Assert.Equal($"[cell a] after{Environment.NewLine}[host] cell a killed{Environment.NewLine}", log.Dump(mark));
        Assert.Equal(["[cell a] before", "[cell a] after"], echoed);
    }
}
