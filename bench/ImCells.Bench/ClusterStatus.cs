using System.Text.Json.Nodes;
using Grpc.Core;
using ImCells.Client;
using ImCells.Protos.Cell;

namespace ImCells.Bench;

/// <summary>
/// What one cell's process costs, measured after a full GC: the login server's Status (without a GC:
/// forcing one is an operator action) says where the cell's gRPC endpoint is, and the cell's own
/// CellAdmin.Status with collect_garbage answers, asked as the operator (<see cref="OperatorChannel"/>).
/// </summary>
internal static class ClusterStatus
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    /// <param name="collectGarbage">False for a cheap look at the counts (polling), without a forced GC in the cell.</param>
    public static async Task<StatusReply> CellAsync(BenchCluster cluster, string cellId, CancellationToken ct, bool collectGarbage = true)
    {
        var grpc = await GrpcUrlAsync(cluster, cellId, ct);
        using var channel = OperatorChannel.ToCell(grpc, cellId, cluster.PkiDirectory);
        try
        {
            return await new CellAdmin.CellAdminClient(channel).StatusAsync(
                new StatusRequest { CollectGarbage = collectGarbage }, deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: ct);
        }
        catch (RpcException e)
        {
            throw new BenchException($"Status of cell {cellId} at {grpc} failed: {e.Status.StatusCode} {e.Status.Detail}", e);
        }
    }

    public static JsonObject ToJson(StatusReply cell) => new()
    {
        ["pid"] = cell.Pid,
        ["connections"] = cell.Connections,
        ["rss_bytes"] = cell.RssBytes,
        ["managed_heap_bytes"] = cell.ManagedHeapBytes,
    };

    private static async Task<string> GrpcUrlAsync(BenchCluster cluster, string cellId, CancellationToken ct)
    {
        using var api = cluster.OpenLogin();
        Protos.Login.StatusReply status;
        try
        {
            status = await api.StatusAsync(ct);
        }
        catch (ImClientException e)
        {
            throw new BenchException($"Status from {cluster.LoginUrl} failed: {e.Message}", e);
        }

        var cell = status.Cells.FirstOrDefault(c => c.Id == cellId)
                   ?? throw new BenchException($"cell '{cellId}' is not in the login server's status");
        return cell.Grpc.Length > 0 ? cell.Grpc : throw new BenchException($"the login server's status names no grpc address for cell '{cellId}'");
    }
}
