using System.Text.Json.Nodes;
using ImCells.Topology;
using Xunit;

namespace ImCells.Unit.Tests.Topology;

public sealed class TopologyValidatorTests
{
    [Fact]
    public void ValidateChange_SameMapWithHigherVersion_IsAccepted()
    {
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var next = TopologyJson.Map(TopologyJson.TwoCells(version: 2));

        TopologyValidator.ValidateChange(current, next);
    }

    [Fact]
    public void ValidateChange_AddedCell_IsAccepted()
    {
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var json = TopologyJson.TwoCells(version: 2);
        json["cells"]!.AsArray().Add(TopologyJson.CellJson("c", "ap", 12_000_000, 12_999_999, 3));
        var next = TopologyJson.Map(json);

        TopologyValidator.ValidateChange(current, next);

        Assert.Equal(3, next.Cells.Count);
    }

    [Fact]
    public void ValidateChange_GrownRange_IsAccepted()
    {
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var json = TopologyJson.TwoCells(version: 2);
        TopologyJson.Cell(json, 1)["ranges"] = new JsonArray(TopologyJson.Range(11_000_000, 12_999_999));

        TopologyValidator.ValidateChange(current, TopologyJson.Map(json));
    }

    [Fact]
    public void ValidateChange_AddedRangeToACell_IsAccepted()
    {
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var json = TopologyJson.TwoCells(version: 2);
        TopologyJson.Cell(json, 0)["ranges"]!.AsArray().Add(TopologyJson.Range(20_000_000, 20_999_999));

        TopologyValidator.ValidateChange(current, TopologyJson.Map(json));
    }

    [Fact]
    public void ValidateChange_RemovedCellListedInRemovedCells_IsAccepted()
    {
        // Whether it had users is checked by `imcells topology remove-cell`, which the master cannot do.
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var json = TopologyJson.TwoCells(version: 2);
        json["cells"]!.AsArray().RemoveAt(1);
        json["removedCells"] = new JsonArray("b");
        var next = TopologyJson.Map(json);

        TopologyValidator.ValidateChange(current, next);
    }

    [Fact]
    public void ValidateChange_CellDroppedWithoutRemovedCells_IsRefused()
    {
        // Going back to an older file, or a slip in an editor, must not drop a live cell.
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var json = TopologyJson.TwoCells(version: 2);
        json["cells"]!.AsArray().RemoveAt(1);
        var next = TopologyJson.Map(json);

        var e = Assert.Throws<TopologyException>(() => TopologyValidator.ValidateChange(current, next));
        Assert.Contains("cell 'b' is missing", e.Message);
        Assert.Contains("remove-cell --id b", e.Message);
    }

    [Fact]
    public void Validate_IdInCellsAndInRemovedCells_IsRefused()
    {
        var json = TopologyJson.TwoCells(version: 2);
        json["removedCells"] = new JsonArray("b");

        var e = Assert.Throws<TopologyException>(() => TopologyJson.Map(json));
        Assert.Contains("cell 'b' is in cells and in removedCells", e.Message);
    }

    [Theory]
    [InlineData(11_000_000UL, 11_499_999UL)]
    [InlineData(11_000_001UL, 11_999_999UL)]
    [InlineData(13_000_000UL, 13_999_999UL)]
    public void ValidateChange_ShrunkOrMovedRange_ThrowsNamingCellAndRange(ulong first, ulong last)
    {
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var json = TopologyJson.TwoCells(version: 2);
        TopologyJson.Cell(json, 1)["ranges"] = new JsonArray(TopologyJson.Range(first, last));
        var next = TopologyJson.Map(json);

        var e = Assert.Throws<TopologyException>(() => TopologyValidator.ValidateChange(current, next));

        Assert.Contains("cell 'b' range 11000000-11999999 shrinks", e.Message);
    }

    [Fact]
    public void ValidateChange_InvalidNext_ThrowsTheValidationError()
    {
        var current = TopologyJson.Map(TopologyJson.TwoCells(version: 1));
        var next = TopologyJson.Map(TopologyJson.TwoCells(version: 2));
        next.Cells[1].Ranges[0].First = 10_999_999;

        var e = Assert.Throws<TopologyException>(() => TopologyValidator.ValidateChange(current, next));

        Assert.Contains("overlaps", e.Message);
    }

    [Fact]
    public void Validate_ParsedMap_DoesNotThrow()
    {
        var map = TopologyJson.Map(TopologyJson.TwoCells());

        TopologyValidator.Validate(map);
    }
}
