using ImCells.Topology;

namespace ImCells.Unit.Tests.Topology;

public sealed class TopologyTextEditTests
{
    /// <summary>The repository's own style: one cell over several lines, related fields on one line, a comment.</summary>
    private const string RepoStyle = """
        {
          // the operator's note stays
          "version": 7,
          "master": { "grpc": "https://127.0.0.1:7000" },
          "login": [ { "http": "https://127.0.0.1:7100" } ],
          "cells": [
            {
              "id": "a", "region": "eu",
              "ranges": [ { "first": 10000000, "last": 10999999 } ], "groupRanges": [ { "first": 90000000, "last": 90999999 } ],
              "grpc": "https://127.0.0.1:7201", "chat": [ "tls://127.0.0.1:7301" ],
              "database": { "provider": "sqlite", "connection": "Data Source=data/cell-a.db" }
            },
            {
              "id": "b", "region": "us",
              "ranges": [ { "first": 11000000, "last": 11999999 } ],
              "grpc": "https://127.0.0.1:7202", "chat": [ "tls://127.0.0.1:7302" ],
              "database": { "provider": "sqlite", "connection": "Data Source=data/cell-b.db" }
            }
          ]
        }

        """;

    /// <summary>One cell per line, as the cluster tests write it.</summary>
    private const string OneLineStyle = """
        { "version": 1, "master": { "grpc": "https://127.0.0.1:7000" },
          "login": [ { "http": "https://127.0.0.1:7100" } ],
          "cells": [ { "id": "a", "ranges": [ { "first": 1, "last": 9 } ], "grpc": "https://127.0.0.1:7201", "chat": [ "127.0.0.1:7301" ], "database": { "provider": "sqlite", "connection": "Data Source=a.db" } } ] }
        """;

    private static readonly TopologyFile.CellSection CellC = new(
        "c", "ap", [new TopologyFile.RangeSection(12000000, 12999999)], "https://127.0.0.1:7203", ["tls://127.0.0.1:7303"],
        new TopologyFile.DatabaseSection("sqlite", "Data Source=data/cell-c.db"), GroupRanges: [new TopologyFile.RangeSection(92000000, 92999999)]);

    [Fact]
    public void AddCell_RepoStyle_AppendsInTheSameStyleAndKeepsTheRest()
    {
        var added = TopologyTextEdit.AddCell(RepoStyle, CellC);

        var expected = RepoStyle.Replace("""
                  "database": { "provider": "sqlite", "connection": "Data Source=data/cell-b.db" }
                }
            """, """
                  "database": { "provider": "sqlite", "connection": "Data Source=data/cell-b.db" }
                },
                {
                  "id": "c", "region": "ap",
                  "ranges": [ { "first": 12000000, "last": 12999999 } ], "groupRanges": [ { "first": 92000000, "last": 92999999 } ],
                  "grpc": "https://127.0.0.1:7203", "chat": [ "tls://127.0.0.1:7303" ],
                  "database": { "provider": "sqlite", "connection": "Data Source=data/cell-c.db" }
                }
            """, StringComparison.Ordinal);
        Assert.Equal(expected, added);
        Assert.Equal(3, TopologyFile.Parse(added).Cells.Count);
    }

    [Theory]
    [InlineData(RepoStyle)]
    [InlineData(OneLineStyle)]
    public void RemoveCell_OfTheCellJustAdded_GivesBackTheOriginalBytes(string original)
    {
        var added = TopologyTextEdit.AddCell(original, CellC);

        Assert.Equal(original, TopologyTextEdit.RemoveCell(added, "c"));
    }

    [Fact]
    public void AddThenRemove_WithVersionBumps_ChangesOnlyTheVersion()
    {
        var added = TopologyTextEdit.WithVersion(TopologyTextEdit.AddCell(RepoStyle, CellC), 8);
        var removed = TopologyTextEdit.WithVersion(TopologyTextEdit.RemoveCell(added, "c"), 9);

        Assert.Equal(RepoStyle.Replace("\"version\": 7", "\"version\": 9", StringComparison.Ordinal), removed);
        Assert.Equal(9UL, TopologyFile.Parse(removed).Version);
    }

    [Fact]
    public void AddThenRemoveAndRecord_ChangesTheVersionAndAddsOneLine()
    {
        var added = TopologyTextEdit.WithVersion(TopologyTextEdit.AddCell(RepoStyle, CellC), 8);
        var removed = TopologyTextEdit.WithVersion(TopologyTextEdit.RecordRemoved(TopologyTextEdit.RemoveCell(added, "c"), "c"), 9);

        var expected = RepoStyle
            .Replace("\"version\": 7", "\"version\": 9", StringComparison.Ordinal)
            .Replace("  \"cells\": [", "  \"removedCells\": [ \"c\" ],\n  \"cells\": [", StringComparison.Ordinal);
        Assert.Equal(expected, removed);
        Assert.Equal(["c"], TopologyFile.Parse(removed).RemovedCells);
    }

    [Fact]
    public void RecordRemoved_AppendsToAnExistingList_AndFillsAnEmptyOne()
    {
        var once = TopologyTextEdit.RecordRemoved(TopologyTextEdit.RemoveCell(RepoStyle, "b"), "b");
        var withEmpty = RepoStyle.Replace("  \"cells\": [", "  \"removedCells\": [],\n  \"cells\": [", StringComparison.Ordinal);

        Assert.Contains("\"removedCells\": [ \"b\", \"x\" ],", TopologyTextEdit.RecordRemoved(once, "x"));
        Assert.Contains("\"removedCells\": [ \"x\" ],", TopologyTextEdit.RecordRemoved(withEmpty, "x"));
    }

    [Fact]
    public void RecordRemoved_OneLineStyle_StaysOnItsLine()
    {
        var recorded = TopologyTextEdit.RecordRemoved(OneLineStyle, "z");

        Assert.Contains("\"removedCells\": [ \"z\" ],\n  \"cells\": [ {", recorded);
        Assert.Equal(["z"], TopologyFile.Parse(recorded).RemovedCells);
    }

    [Fact]
    public void AddCell_OneLineStyle_AddsOneLine()
    {
        var added = TopologyTextEdit.AddCell(OneLineStyle, CellC);

        Assert.Contains(
            """} }, { "id": "c", "region": "ap", "ranges": [ { "first": 12000000, "last": 12999999 } ], "groupRanges": [ { "first": 92000000, "last": 92999999 } ], "grpc": "https://127.0.0.1:7203", "chat": [ "tls://127.0.0.1:7303" ], "database": { "provider": "sqlite", "connection": "Data Source=data/cell-c.db" } } ] }""",
            added);
        Assert.Equal(2, TopologyFile.Parse(added).Cells.Count);
    }

    [Fact]
    public void RemoveCell_First_TakesTheSeparatorAfterIt()
    {
        var removed = TopologyTextEdit.RemoveCell(RepoStyle, "a");

        var map = TopologyFile.Parse(removed);
        Assert.Equal(["b"], map.Cells.Select(c => c.Id));
        Assert.Contains("\"cells\": [\n    {\n      \"id\": \"b\"", removed);
    }

    [Fact]
    public void RemoveCell_UnknownOrOnly_Throws()
    {
        Assert.Contains("no cell 'x'", Assert.Throws<TopologyException>(() => TopologyTextEdit.RemoveCell(RepoStyle, "x")).Message);
        Assert.Contains("only cell", Assert.Throws<TopologyException>(() => TopologyTextEdit.RemoveCell(OneLineStyle, "a")).Message);
    }

    [Fact]
    public void WithVersion_ReplacesOnlyTheNumber()
    {
        var raised = TopologyTextEdit.WithVersion(RepoStyle, 12);

        Assert.Equal(RepoStyle.Replace("\"version\": 7,", "\"version\": 12,", StringComparison.Ordinal), raised);
    }
}
