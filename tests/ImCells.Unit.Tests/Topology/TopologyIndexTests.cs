using System.Text.Json.Nodes;
using ImCells.Topology;
using Xunit;

namespace ImCells.Unit.Tests.Topology;

public sealed class TopologyIndexTests
{
    /// <summary>a: 10M..10.999M and 30M..30.999M, b: 20M..20.999M, c: 40M..40M (one number).</summary>
    private static TopologyIndex Index()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["ranges"] = new JsonArray(
            TopologyJson.Range(30_000_000, 30_999_999), TopologyJson.Range(10_000_000, 10_999_999));
        TopologyJson.Cell(json, 1)["ranges"] = new JsonArray(TopologyJson.Range(20_000_000, 20_999_999));
        json["cells"]!.AsArray().Add(TopologyJson.CellJson("c", "ap", 40_000_000, 40_000_000, 3));
        return new TopologyIndex(TopologyJson.Map(json));
    }

    [Theory]
    [InlineData(10_000_000UL, "a")]
    [InlineData(10_000_042UL, "a")]
    [InlineData(10_999_999UL, "a")]
    [InlineData(20_000_000UL, "b")]
    [InlineData(20_999_999UL, "b")]
    [InlineData(30_000_000UL, "a")]
    [InlineData(30_999_999UL, "a")]
    [InlineData(40_000_000UL, "c")]
    public void NumberInsideARange_IsLocatedToItsCell(ulong user, string cell)
    {
        Assert.Equal(cell, Index().Locate(user)?.Id);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(9_999_999UL)]
    [InlineData(11_000_000UL)]
    [InlineData(19_999_999UL)]
    [InlineData(21_000_000UL)]
    [InlineData(29_999_999UL)]
    [InlineData(31_000_000UL)]
    [InlineData(39_999_999UL)]
    [InlineData(40_000_001UL)]
    [InlineData(ulong.MaxValue)]
    public void NumberOutsideEveryRange_IsNull(ulong user)
    {
        Assert.Null(Index().Locate(user));
    }

    [Fact]
    public void AdjacentRanges_LocateTheBoundaryToTheRightCell()
    {
        var index = new TopologyIndex(TopologyJson.Map(TopologyJson.TwoCells()));

        Assert.Equal("a", index.Locate(10_999_999)?.Id);
        Assert.Equal("b", index.Locate(11_000_000)?.Id);
        Assert.Null(index.Locate(9_999_999));
        Assert.Null(index.Locate(12_000_000));
    }

    [Fact]
    public void FindCellAndVersion_ComeFromTheMap()
    {
        var index = new TopologyIndex(TopologyJson.Map(TopologyJson.TwoCells(version: 7)));

        Assert.Equal(7UL, index.Version);
        Assert.Equal("us", index.FindCell("b")?.Region);
        Assert.Null(index.FindCell("z"));
    }
}
