using System.Text.Json.Nodes;
using ImCells.Topology;
using ImCells.Protos.Topology;

namespace ImCells.Unit.Tests.Topology;

/// <summary>A valid two-cell topology.json (DESIGN.md §2) that each test bends in one place.</summary>
internal static class TopologyJson
{
    public static JsonObject TwoCells(ulong version = 1) => new()
    {
        ["version"] = version,
        ["master"] = new JsonObject { ["grpc"] = "https://127.0.0.1:7000" },
        ["login"] = new JsonArray(new JsonObject { ["http"] = "https://127.0.0.1:7100" }),
        ["cells"] = new JsonArray(
            CellJson("a", "eu", 10_000_000, 10_999_999, 1),
            CellJson("b", "us", 11_000_000, 11_999_999, 2)),
    };

    public static JsonObject CellJson(string id, string region, ulong first, ulong last, int index) => new()
    {
        ["id"] = id,
        ["region"] = region,
        ["ranges"] = new JsonArray(Range(first, last)),
        ["grpc"] = $"https://127.0.0.1:{7200 + index}",
        ["chat"] = new JsonArray($"tls://127.0.0.1:{7300 + index}"),
        ["database"] = new JsonObject
        {
            ["provider"] = "sqlite",
            ["connection"] = $"Data Source=data/cell-{id}.db",
        },
    };

    public static JsonObject Range(ulong first, ulong last) => new() { ["first"] = first, ["last"] = last };

    public static JsonObject Cell(JsonObject topology, int index) => topology["cells"]![index]!.AsObject();

    public static TopologyMap Map(JsonObject topology) => TopologyFile.Parse(topology.ToJsonString());
}
