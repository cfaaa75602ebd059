using Grpc.Core;
using ImCells.Cell.Delivery;
using ImCells.Cell.Groups;
using ImCells.Cell.Presence;
using ImCells.Protos.Cell;
using ImCells.Registry.Hlr;
using ImCells.Registry.Vlr;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.FrontDoor;

/// <summary>The cell process's Status, for login servers (load) and operators.</summary>
[CallableBy(ClusterRole.Login, ClusterRole.Operator)]
internal sealed class CellAdminService(
    CellIdentity self,
    TopologyCache topology,
    AccountStore accounts,
    HlrOptions hlrOptions,
    MailboxStore mailboxes,
    SessionRegistry sessions,
    VisitorCache vlr,
    PresenceFanout fanout,
    GroupFanout groupFanout,
    TrustRefusals refusals) : CellAdmin.CellAdminBase
{
    public override async Task<StatusReply> Status(StatusRequest request, ServerCallContext context)
    {
        var reply = ProcessStatus.Of(self.Id, request, context, refusals);
        var byHome = sessions.CountByHome(self.Id);
        reply.Connections = (uint)sessions.Connections;
        reply.OnlineUsers = (uint)sessions.OnlineUsers;
        reply.Users = (ulong)await accounts.CountAsync(context.CancellationToken);
        reply.TopologyVersion = topology.Current.Version;
        reply.OutboxPending = (ulong)await mailboxes.OutboxPendingAsync(context.CancellationToken);
        reply.VlrEntries = (uint)vlr.Count;
        reply.PresenceChangeCalls.Add(fanout.ChangeCalls.ToDictionary());
        reply.GroupDeliverCalls.Add(groupFanout.DeliverCalls.ToDictionary());
        reply.HomeUsersHere = (uint)byHome.HomeUsers;
        reply.Visitors.Add(byHome.Visitors);
        reply.PasswordIterations = (uint)hlrOptions.PasswordIterations;
        return reply;
    }
}
