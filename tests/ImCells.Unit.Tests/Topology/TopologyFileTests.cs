using System.Text.Json.Nodes;
using ImCells.Topology;
using Xunit;

namespace ImCells.Unit.Tests.Topology;

public sealed class TopologyFileTests
{
    [Fact]
    public void ValidTwoCellMap_ParsesEveryField()
    {
        var map = TopologyFile.Parse(TopologyJson.TwoCells().ToJsonString());

        Assert.Equal(1UL, map.Version);
        Assert.Equal("https://127.0.0.1:7000", map.MasterGrpc);
        Assert.Equal("https://127.0.0.1:7100", Assert.Single(map.Login).Http);
        Assert.Equal(2, map.Cells.Count);
        var a = map.Cells[0];
        Assert.Equal("a", a.Id);
        Assert.Equal("eu", a.Region);
        Assert.Equal("https://127.0.0.1:7201", a.Grpc);
        Assert.Equal("tls://127.0.0.1:7301", Assert.Single(a.Chat));
        var range = Assert.Single(a.Ranges);
        Assert.Equal(10_000_000UL, range.First);
        Assert.Equal(10_999_999UL, range.Last);
        Assert.Equal("sqlite", a.Database.Provider);
        Assert.Equal("Data Source=data/cell-a.db", a.Database.Connection);
        Assert.Equal("b", map.Cells[1].Id);
        Assert.Equal("us", map.Cells[1].Region);
    }

    [Fact]
    public void CommentsAndTrailingCommas_AreAccepted()
    {
        var json = TopologyJson.TwoCells().ToJsonString().Replace("{\"version\":1,", "{ // the operator's note\n\"version\":1,");
        json = json[..^1] + ",}";

        var map = TopologyFile.Parse(json);

        Assert.Equal(2, map.Cells.Count);
    }

    [Fact]
    public void ToJson_RoundTripsThroughParse()
    {
        var map = TopologyFile.Parse(TopologyJson.TwoCells().ToJsonString());

        var again = TopologyFile.Parse(TopologyFile.ToJson(map));

        Assert.Equal(map, again);
    }

    [Fact]
    public void OverlappingRanges_ThrowNamingBothCells()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 1)["ranges"] = new JsonArray(TopologyJson.Range(10_500_000, 11_999_999));

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("overlaps", e.Message);
        Assert.Contains("'a'", e.Message);
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void OverlappingRangesWithinOneCell_Throw()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["ranges"] = new JsonArray(
            TopologyJson.Range(10_000_000, 10_500_000), TopologyJson.Range(10_500_000, 10_999_999));

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("overlaps", e.Message);
    }

    [Fact]
    public void DuplicateCellId_ThrowsNamingTheId()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 1)["id"] = "a";

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("duplicate cell id 'a'", e.Message);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("-leading-dash")]
    public void InvalidCellId_Throws(string id)
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["id"] = id;

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains($"cell id '{id}' is invalid", e.Message);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:7201")]
    [InlineData("https://127.0.0.1")]
    [InlineData("127.0.0.1:7201")]
    [InlineData("https://127.0.0.1:7201/grpc")]
    [InlineData("")]
    public void BadCellGrpcEndpoint_ThrowsNamingTheCell(string grpc)
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 1)["grpc"] = grpc;

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("cell 'b' grpc", e.Message);
        Assert.Contains("is not an endpoint", e.Message);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:7000")]
    [InlineData("https://127.0.0.1")]
    public void BadMasterEndpoint_Throws(string grpc)
    {
        var json = TopologyJson.TwoCells();
        json["master"]!["grpc"] = grpc;

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("master.grpc", e.Message);
    }

    [Theory]
    [InlineData("master", "master.grpc 'http://127.0.0.1:7000'")]
    [InlineData("cell", "cell 'b' grpc 'http://127.0.0.1:7202'")]
    [InlineData("chat server", "cell 'a' chatServers[0] grpc 'http://127.0.0.1:7211'")]
    public void PlaintextInternalGrpc_IsRefusedAsNotMutualTls(string where, string named)
    {
        var json = TopologyJson.TwoCells();
        _ = where switch
        {
            "master" => json["master"]!["grpc"] = "http://127.0.0.1:7000",
            "cell" => TopologyJson.Cell(json, 1)["grpc"] = "http://127.0.0.1:7202",
            _ => TopologyJson.Cell(json, 0)["chatServers"] =
                new JsonArray(new JsonObject { ["chat"] = "tls://127.0.0.1:7311", ["grpc"] = "http://127.0.0.1:7211" }),
        };

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Equal($"{named} must be https://: servers call each other over mutual TLS only", e.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1")]
    [InlineData("tcp://127.0.0.1:7100")]
    public void BadLoginEndpoint_Throws(string http)
    {
        var json = TopologyJson.TwoCells();
        json["login"]![0]!["http"] = http;

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("login[0].http", e.Message);
    }

    [Fact]
    public void PlaintextLoginAndChat_AreAccepted()
    {
        // Client-facing endpoints may be plaintext in the file; the server allows that only on loopback.
        var json = TopologyJson.TwoCells();
        json["login"]![0]!["http"] = "http://127.0.0.1:7100";
        TopologyJson.Cell(json, 0)["chat"] = new JsonArray("127.0.0.1:7301");

        var map = TopologyFile.Parse(json.ToJsonString());

        Assert.Equal("http://127.0.0.1:7100", map.Login[0].Http);
        Assert.Equal("127.0.0.1:7301", map.Cells[0].Chat[0]);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("http://127.0.0.1:7301")]
    [InlineData("tls://127.0.0.1")]
    [InlineData("tls:127.0.0.1:7301")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:notaport")]
    [InlineData("")]
    public void ChatEndpointNotHostPort_Throws(string chat)
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["chat"] = new JsonArray(chat);

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains($"cell 'a' chat endpoint '{chat}' is not host:port or tls://host:port", e.Message);
    }

    [Fact]
    public void NoChatEndpoint_Throws()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["chat"] = new JsonArray();

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("lists no chat endpoint", e.Message);
    }

    [Fact]
    public void ReusedGrpcEndpoint_ThrowsNamingBothUsers()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 1)["grpc"] = "https://127.0.0.1:7201";

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("reuses 127.0.0.1:7201", e.Message);
        Assert.Contains("cell 'a'", e.Message);
        Assert.Contains("cell 'b'", e.Message);
    }

    [Theory]
    [InlineData("127.0.0.1:7000")]
    [InlineData("tls://127.0.0.1:7000")]
    public void ChatEndpointReusingTheMasterPort_Throws(string chat)
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["chat"] = new JsonArray(chat);

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("reuses 127.0.0.1:7000", e.Message);
        Assert.Contains("master.grpc", e.Message);
    }

    [Theory]
    [InlineData("mongodb")]
    [InlineData("")]
    public void UnknownDatabaseProvider_Throws(string provider)
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 1)["database"]!["provider"] = provider;

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains($"cell 'b' database provider '{provider}'", e.Message);
        Assert.Contains("sqlite", e.Message);
    }

    [Fact]
    public void MissingDatabase_Throws()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 1).Remove("database");

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("cell 'b' database provider", e.Message);
    }

    [Fact]
    public void EmptyConnectionString_Throws()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["database"]!["connection"] = " ";

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("no database connection string", e.Message);
    }

    [Theory]
    [InlineData(0UL, 10UL)]
    [InlineData(20UL, 10UL)]
    public void BadRange_Throws(ulong first, ulong last)
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["ranges"] = new JsonArray(TopologyJson.Range(first, last));

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains($"bad range {first}-{last}", e.Message);
    }

    [Fact]
    public void CellWithoutRanges_Throws()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["ranges"] = new JsonArray();

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("cell 'a' has no ranges", e.Message);
    }

    [Fact]
    public void VersionZero_Throws()
    {
        var json = TopologyJson.TwoCells();
        json["version"] = 0;

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("version", e.Message);
    }

    [Fact]
    public void NoCells_Throws()
    {
        var json = TopologyJson.TwoCells();
        json["cells"] = new JsonArray();

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("at least one cell", e.Message);
    }

    [Fact]
    public void NoLogin_Throws()
    {
        var json = TopologyJson.TwoCells();
        json.Remove("login");

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("at least one login server", e.Message);
    }

    [Theory]
    [InlineData("{ \"version\": 1, ")]
    [InlineData("not json at all")]
    [InlineData("{ \"version\": \"one\" }")]
    [InlineData("[1, 2, 3]")]
    public void InvalidJson_ThrowsTopologyException(string json)
    {
        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json));

        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void JsonNull_ThrowsTopologyException()
    {
        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse("null"));

        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void NullCellEntry_ThrowsTopologyException()
    {
        var json = TopologyJson.TwoCells();
        json["cells"]!.AsArray().Add(null);

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json.ToJsonString()));

        Assert.Contains("null entry", e.Message);
    }

    [Fact]
    public void Load_ReadsAFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"imcells-topology-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, TopologyJson.TwoCells().ToJsonString());
        try
        {
            var map = TopologyFile.Load(path);

            Assert.Equal(2, map.Cells.Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_MissingFile_ThrowsTopologyExceptionNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"imcells-missing-{Guid.NewGuid():N}", "topology.json");

        var e = Assert.Throws<TopologyException>(() => TopologyFile.Load(path));

        Assert.Contains(path, e.Message);
    }
}
