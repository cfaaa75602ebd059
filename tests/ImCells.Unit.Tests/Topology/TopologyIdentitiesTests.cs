using System.Text.Json.Nodes;
using ImCells.Topology;

namespace ImCells.Unit.Tests.Topology;

public sealed class TopologyIdentitiesTests
{
    private static readonly JsonObject WithChatServer = WithExtraChatServer();

    [Theory]
    [InlineData("https://127.0.0.1:7000", "spiffe://imcells/master/master")]
    [InlineData("https://127.0.0.1:7201", "spiffe://imcells/cell/a")]
    [InlineData("https://127.0.0.1:7202/", "spiffe://imcells/cell/b")]
    [InlineData("https://127.0.0.1:7211", "spiffe://imcells/chat/a/1")]
    public void IdentityAt_NamesWhomTheMapPutsAtTheUrl(string url, string identity) =>
        Assert.Equal(identity, TopologyJson.Map(WithChatServer).IdentityAt(url)?.ToString());

    [Theory]
    [InlineData("https://127.0.0.1:7999")]
    [InlineData("http://127.0.0.1:7201")]
    [InlineData("https://127.0.0.1:7100")]
    [InlineData("not a url")]
    public void IdentityAt_UrlOfNoServer_IsNull(string url) =>
        Assert.Null(TopologyJson.Map(WithChatServer).IdentityAt(url));

    [Fact]
    public void Processes_ListsEveryServerWithItsHosts()
    {
        var json = WithExtraChatServer();
        json["login"]!.AsArray().Add(new JsonObject { ["http"] = "http://127.0.0.2:7101" });

        var processes = TopologyJson.Map(json).Processes().ToDictionary(p => p.Identity.ToString(), p => p.Hosts);

        Assert.Equal(
            ["spiffe://imcells/master/master", "spiffe://imcells/login/0", "spiffe://imcells/login/1", "spiffe://imcells/cell/a",
             "spiffe://imcells/chat/a/1", "spiffe://imcells/cell/b"],
            processes.Keys);
        Assert.Equal(["127.0.0.2"], processes["spiffe://imcells/login/1"]);
        Assert.Equal(["127.0.0.1", "127.0.0.3"], processes["spiffe://imcells/chat/a/1"]);
    }

    private static JsonObject WithExtraChatServer()
    {
        var json = TopologyJson.TwoCells();
        TopologyJson.Cell(json, 0)["chatServers"] = new JsonArray(
            new JsonObject { ["chat"] = "tls://127.0.0.3:7311", ["grpc"] = "https://127.0.0.1:7211" });
        return json;
    }
}
