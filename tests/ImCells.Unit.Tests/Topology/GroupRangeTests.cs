using System.Text.Json.Nodes;
using ImCells.Topology;
using Xunit;

namespace ImCells.Unit.Tests.Topology;

/// <summary>Group numbers are segments too: "groupRanges" beside "ranges", located like users, in the same number space.</summary>
public sealed class GroupRangeTests
{
    private static JsonObject WithGroups(ulong version = 1)
    {
        var json = TopologyJson.TwoCells(version);
        TopologyJson.Cell(json, 0)["groupRanges"] = new JsonArray(TopologyJson.Range(90_000_000, 90_999_999));
        TopologyJson.Cell(json, 1)["groupRanges"] = new JsonArray(TopologyJson.Range(91_000_000, 91_999_999));
        return json;
    }

    [Fact]
    public void GroupRanges_LocateGroups_NotUsers_AndSurviveTheRoundTrip()
    {
        var map = TopologyJson.Map(WithGroups());
        var index = new TopologyIndex(map);

        Assert.Equal("a", index.LocateGroup(90_000_005)?.Id);
        Assert.Equal("b", index.LocateGroup(91_999_999)?.Id);
        Assert.Null(index.LocateGroup(10_000_001));
        Assert.Null(index.Locate(90_000_005));
        Assert.Equal(map, TopologyFile.Parse(TopologyFile.ToJson(map)));
    }

    [Fact]
    public void GroupRange_OverlappingAUserRange_IsRefused()
    {
        var json = WithGroups();
        TopologyJson.Cell(json, 1)["groupRanges"] = new JsonArray(TopologyJson.Range(10_500_000, 10_500_999));

        var e = Assert.Throws<TopologyException>(() => TopologyJson.Map(json));
        Assert.Contains("overlaps", e.Message);
    }

    [Fact]
    public void GroupRange_Bad_IsRefused()
    {
        var json = WithGroups();
        TopologyJson.Cell(json, 0)["groupRanges"] = new JsonArray(TopologyJson.Range(5, 4));

        Assert.Contains("bad range", Assert.Throws<TopologyException>(() => TopologyJson.Map(json)).Message);
    }

    [Fact]
    public void ValidateChange_ShrunkGroupRange_IsRefused_GrownIsAccepted()
    {
        var current = TopologyJson.Map(WithGroups(1));
        var grown = WithGroups(2);
        TopologyJson.Cell(grown, 0)["groupRanges"] = new JsonArray(TopologyJson.Range(90_000_000, 90_999_999), TopologyJson.Range(92_000_000, 92_000_999));
        TopologyValidator.ValidateChange(current, TopologyJson.Map(grown));

        var shrunk = WithGroups(2);
        TopologyJson.Cell(shrunk, 0)["groupRanges"] = new JsonArray(TopologyJson.Range(90_000_000, 90_000_999));
        var e = Assert.Throws<TopologyException>(() => TopologyValidator.ValidateChange(current, TopologyJson.Map(shrunk)));
        Assert.Contains("group range", e.Message);
    }
}
