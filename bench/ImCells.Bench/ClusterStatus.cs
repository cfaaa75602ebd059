using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using ImCells.Protos.Login;

namespace ImCells.Bench;

/// <summary>The login server's Status RPC: every cell's pid, RSS, managed heap and connection count.</summary>
internal static class ClusterStatus
{
    /// <summary>Asks with collect_garbage, so the managed heap is measured after a full GC.</summary>
    public static async Task<StatusReply> GetAsync(string loginUrl, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(loginUrl);
        var client = new Login.LoginClient(channel);
        try
        {
            return await client.StatusAsync(new StatusRequest { CollectGarbage = true },
                deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
        }
        catch (RpcException e)
        {
            throw new BenchException($"Status from {loginUrl} failed: {e.Status.StatusCode} {e.Status.Detail}", e);
        }
    }

    public static CellStatus Cell(StatusReply reply, string cell) =>
        reply.Cells.FirstOrDefault(c => c.Id == cell) ?? throw new BenchException($"cell '{cell}' is not in the login server's status");

    public static JsonObject ToJson(CellStatus cell) => new()
    {
        ["pid"] = cell.Pid,
        ["connections"] = cell.Connections,
        ["rss_bytes"] = cell.RssBytes,
        ["managed_heap_bytes"] = cell.ManagedHeapBytes,
    };
}
