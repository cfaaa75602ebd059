using ImCells.Master;

namespace ImCells.Unit.Tests.Options;

public sealed class MasterOptionsTests
{
    [Fact]
    public void Default_IsTopologyJson() =>
        Assert.Equal("topology.json", Settings.Value<MasterOptions>(s => s.AddMasterOptions()).Topology);

    [Fact]
    public void Topology_IsBoundFromTheMasterSection() =>
        Assert.Equal("other.json", Settings.Value<MasterOptions>(s => s.AddMasterOptions(), ("Master:Topology", "other.json")).Topology);

    [Fact]
    public void Topology_Empty_FailsNamingTheSetting() =>
        Assert.Equal(["Master:Topology = ' ': must name the topology file"],
            Settings.Failures<MasterOptions>(s => s.AddMasterOptions(), ("Master:Topology", " ")));
}
