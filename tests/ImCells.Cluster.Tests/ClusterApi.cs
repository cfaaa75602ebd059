global using CellStatusReply = ImCells.Protos.Cell.StatusReply;
using Grpc.Net.Client;
using ImCells.Client;
using ImCells.Protos.Login;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Every call the tests make straight to a server's gRPC API (a cell's Status, the login servers'
/// Status and Where), in one place: when a service is split or renamed, only this file changes.
/// Tests decide outcomes through these calls and the client library, never by reading logs.
/// </summary>
internal sealed class ClusterApi(ClusterLayout layout)
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>The cell's own Status (presence_change_calls, vlr_entries, visitors, ...).</summary>
    public async Task<CellStatusReply> CellStatusAsync(string cellId, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(layout.CellGrpcUrl(cellId));
        var cell = new CellProto.CellAdmin.CellAdminClient(channel);
        return await cell.StatusAsync(new CellProto.StatusRequest(), deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: ct);
    }

    /// <summary>The login server's Status: topology version and every cell as it sees them.</summary>
    public async Task<StatusReply> StatusAsync(CancellationToken ct, string? loginUrl = null)
    {
        using var api = new LoginApi(loginUrl ?? layout.LoginUrl);
        return await api.StatusAsync(ct);
    }

    /// <summary>Where a user's devices are attached, as the login server reads it from the home HLR.</summary>
    public async Task<WhereReply> WhereAsync(ulong user, CancellationToken ct)
    {
        using var api = new LoginApi(layout.LoginUrl);
        return await api.WhereAsync(user, ct);
    }

    /// <summary>Polls a login server's Status until <paramref name="done"/> holds; throws naming the last status when <paramref name="ct"/> ends the wait.</summary>
    public async Task<StatusReply> WaitUntilAsync(Func<StatusReply, bool> done, string what, CancellationToken ct, string? loginUrl = null)
    {
        using var api = new LoginApi(loginUrl ?? layout.LoginUrl);
        var last = "no answer yet";
        try
        {
            while (true)
            {
                try
                {
                    var status = await api.StatusAsync(ct);
                    if (done(status))
                    {
                        return status;
                    }

                    last = status.ToString();
                }
                catch (ImClientException e)
                {
                    last = e.Message;
                }

                await Task.Delay(Poll, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the cluster did not reach '{what}'; last status: {last}");
        }
    }

    /// <summary>
    /// Polls Status until <paramref name="done"/> holds (returns that status) or <paramref name="window"/>
    /// ends (returns the last status, or null if none came).
    /// </summary>
    public async Task<StatusReply?> PollAsync(Func<StatusReply, bool> done, TimeSpan window, CancellationToken ct)
    {
        using var api = new LoginApi(layout.LoginUrl);
        var deadline = DateTime.UtcNow + window;
        StatusReply? last = null;
        while (true)
        {
            try
            {
                last = await api.StatusAsync(ct);
                if (done(last))
                {
                    return last;
                }
            }
            catch (ImClientException)
            {
                // Counted as "not there yet".
            }

            if (DateTime.UtcNow >= deadline)
            {
                return last;
            }

            await Task.Delay(Poll, ct);
        }
    }
}
