using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Cell.Roaming;
using ImCells.Topology;
using ImCells.Protos.Cell;

namespace ImCells.Cell.ChatServer;

/// <summary>The gRPC face of an extra chat server: notifies pushed by home cells, and its load.</summary>
internal sealed class ChatServerGrpcService(CellIdentity self, TopologyCache topology, SessionRegistry sessions) : Protos.Cell.Cell.CellBase
{
    public override Task<PushToVisitorsReply> PushToVisitors(PushToVisitorsRequest request, ServerCallContext context) =>
        Task.FromResult(VisitorPushes.Deliver(sessions, request));

    public override Task<StatusReply> Status(StatusRequest request, ServerCallContext context)
    {
        if (request.CollectGarbage)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }

        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return Task.FromResult(new StatusReply
        {
            CellId = self.ServingId,
            Pid = Environment.ProcessId,
            RssBytes = (ulong)process.WorkingSet64,
            ManagedHeapBytes = (ulong)GC.GetTotalMemory(forceFullCollection: false),
            Connections = (uint)sessions.Connections,
            OnlineUsers = (uint)sessions.OnlineUsers,
            TopologyVersion = topology.Current.Version,
        });
    }
}
