using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Protos.Cell;
using ImCells.Protos.Client;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cell.Groups;

/// <summary>
/// Groups between cells. A member's home cell speaks only for its own users (Call); a group's home
/// cell speaks only for its own groups (CheckAdd, Deliver).
/// </summary>
[CallableBy(ClusterRole.Cell)]
internal sealed class GroupPeeringService(
    TopologyCache topology,
    GroupHome home,
    GroupAdmission admission,
    GroupInbox inbox,
    TrustRefusals refusals) : GroupPeering.GroupPeeringBase
{
    public override async Task<GroupCallReply> Call(GroupCallRequest request, ServerCallContext context)
    {
        context.CellSpeakingForOwnUsers(refusals, topology.Current, request.FromCell, [request.User], "group member");
        try
        {
            return new GroupCallReply { Response = await home.ExecuteAsync(request.User, request.Request ?? new Frame(), context.CancellationToken) };
        }
        catch (ChatRequestException e)
        {
            return new GroupCallReply { Response = new Frame { Error = new Error { Code = e.Code, Message = e.Message } } };
        }
    }

    public override async Task<GroupCheckAddReply> CheckAdd(GroupCheckAddRequest request, ServerCallContext context)
    {
        var caller = context.CallingCell(refusals);
        context.RequireSelfNamed(refusals, caller, request.FromCell);
        if (request.Group != 0)
        {
            context.RequireOwnGroups(refusals, topology.Current, caller, [request.Group]);
        }
        else if (topology.Current.FindCell(caller) is not { GroupRanges.Count: > 0 })
        {
            // Group 0 is a creation: only a cell that homes groups creates one.
            throw refusals.Refuse(context, StatusCode.PermissionDenied, $"cell '{caller}' has no groupRanges: it creates no group");
        }

        var reply = new GroupCheckAddReply();
        reply.Refusals.Add(await admission.RefusalsAsync(request.Actor, request.Users, context.CancellationToken));
        return reply;
    }

    public override async Task<GroupDeliverReply> Deliver(GroupDeliverRequest request, ServerCallContext context)
    {
        var caller = context.CallingCell(refusals);
        context.RequireSelfNamed(refusals, caller, request.FromCell);
        context.RequireOwnGroups(refusals, topology.Current, caller, request.Entries.Select(e => e.Group).Distinct());
        var applied = await inbox.ApplyAsync(request.Entries, request.Groups, context.CancellationToken);
        var reply = new GroupDeliverReply();
        reply.Applied.Add(applied.Heads.ToDictionary());
        return reply;
    }
}
