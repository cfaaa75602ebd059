using Grpc.Core;
using ImCells.Protos.Cell;
using ImCells.Server.Security;
using ImCells.Trust;

namespace ImCells.Cell.FrontDoor;

/// <summary>What every cell and chat-server process reports about itself in Status.</summary>
internal static class ProcessStatus
{
    /// <summary>
    /// The process's own figures. A forced full GC stalls every connection of the process, so only
    /// an operator may ask for one (login servers ask for the load only).
    /// </summary>
    public static StatusReply Of(string servingId, StatusRequest request, ServerCallContext context, TrustRefusals refusals)
    {
        if (request.CollectGarbage)
        {
            if (context.Caller()?.Role != ClusterRole.Operator)
            {
                throw refusals.Refuse(context, StatusCode.PermissionDenied, "collect_garbage needs an operator certificate");
            }

            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        var reply = new StatusReply
        {
            CellId = servingId,
            Pid = Environment.ProcessId,
            RssBytes = (ulong)process.WorkingSet64,
            ManagedHeapBytes = (ulong)GC.GetTotalMemory(forceFullCollection: false),
            CpuSeconds = process.TotalProcessorTime.TotalSeconds,
        };
        foreach (var (caller, count) in refusals.ByCaller())
        {
            reply.RefusedCalls[caller] = (ulong)count;
        }

        return reply;
    }
}
