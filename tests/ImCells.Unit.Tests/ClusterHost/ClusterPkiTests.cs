using ImCells.ClusterHost;
using ImCells.Topology;
using ImCells.Trust;
using ImCells.Unit.Tests.Topology;

namespace ImCells.Unit.Tests.ClusterHost;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ClusterPkiTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "imcells-clusterpki-" + Guid.NewGuid().ToString("N")[..12]);

    private string DataDir => Path.Combine(_dir, "data");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void FirstUse_CreatesThePrivateDataDirectory_TheCaAndACertificatePerProcessAndTheOperator()
    {
        var map = TopologyJson.Map(TopologyJson.TwoCells());

        var prepared = ClusterPki.Prepare(DataDir, map.Processes());

        Assert.Equal("700", PrivateFiles.Octal(File.GetUnixFileMode(DataDir)));
        Assert.False(prepared.OperatorCa);
        Assert.Equal(["master-master", "login-0", "cell-a", "cell-b", "operator-admin"], prepared.Issued.Select(i => i.FileStem));
        foreach (var identity in prepared.Issued)
        {
            Assert.Equal(identity, ClusterCredentials.Load(prepared.Layout, identity).Identity);
        }
    }

    [Fact]
    public void AgainWithANewCell_IssuesOnlyTheNewCellsCertificate()
    {
        ClusterPki.Prepare(DataDir, TopologyJson.Map(TopologyJson.TwoCells()).Processes());
        var json = TopologyJson.TwoCells(version: 2);
        json["cells"]!.AsArray().Add(TopologyJson.CellJson("c", "ap", 12_000_000, 12_999_999, 3));

        var prepared = ClusterPki.Prepare(DataDir, TopologyJson.Map(json).Processes());

        Assert.Equal([ClusterIdentity.Cell("c")], prepared.Issued);
    }

    [Fact]
    public void OperatorsCaWithoutItsKey_IsUsedAsItIs_NothingCreated()
    {
        var layout = new PkiLayout(PkiLayout.DefaultDirectory(DataDir));
        using (ClusterCa.LoadOrCreate(layout))
        {
        }

        // What an operator leaves: their CA's certificate alone.
        File.Delete(layout.CaKey);
        File.Delete(Path.Combine(layout.Directory, ".lock"));
        var prepared = ClusterPki.Prepare(DataDir, TopologyJson.Map(TopologyJson.TwoCells()).Processes());

        Assert.True(prepared.OperatorCa);
        Assert.Empty(prepared.Issued);
        Assert.Equal(["ca.crt"], Directory.GetFiles(layout.Directory).Select(Path.GetFileName));
    }
}
