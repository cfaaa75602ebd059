using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using ImCells.Registry.Groups;
using ImCells.Registry.Hlr;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Protos.Topology;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Groups;

/// <summary>
/// The group requests of a user homed here: the list of the user's groups and read positions are
/// answered here (this cell keeps them); everything else goes to the group's home cell, located
/// from the groupRanges like a number (this cell itself, or one call to another).
/// </summary>
internal sealed class GroupRequests(
    CellIdentity self,
    TopologyCache topology,
    GroupHome home,
    MemberGroupStore memberGroups,
    ReadStateStore readState,
    ChannelPool channels)
{
    private const int MaxPage = 200;

    public Task<Frame> ExecuteAsync(ulong user, Frame request, CancellationToken cancellationToken) =>
        GroupRefusals.AsChatErrorsAsync(async () => request.BodyCase switch
        {
            Frame.BodyOneofCase.GroupList => new Frame { GroupListResult = await ListAsync(user, request.GroupList, cancellationToken) },
            Frame.BodyOneofCase.GroupMarkRead => new Frame { GroupReadOk = await MarkReadAsync(user, request.GroupMarkRead, cancellationToken) },
            Frame.BodyOneofCase.GroupCreate => await CallAsync(CreationCell(), user, request, cancellationToken),
            _ => await CallAsync(HomeOf(GroupOf(request)), user, request, cancellationToken),
        });

    /// <summary>Unread group entries of the user, for totals shown beside one-to-one conversations.</summary>
    public Task<ulong> UnreadAsync(ulong user, CancellationToken cancellationToken) => memberGroups.UnreadAsync(user, cancellationToken);

    private async Task<GroupList> ListAsync(ulong user, GroupListRequest request, CancellationToken cancellationToken)
    {
        var (groups, more) = await memberGroups.ListAsync(user, request.AfterGroup, MaxPage, cancellationToken);
        var list = new GroupList { HasMore = more };
        var page = new ResponsePage();
        foreach (var group in groups)
        {
            if (!page.TryAdd(list.Groups, GroupWire.Conversation(group)))
            {
                list.HasMore = true;
                break;
            }
        }

        list.TotalUnread = await TotalUnreadAsync(user, cancellationToken);
        return list;
    }

    private async Task<GroupReadOk> MarkReadAsync(ulong user, GroupMarkReadRequest request, CancellationToken cancellationToken)
    {
        var group = await memberGroups.MarkReadAsync(user, request.Group, request.Seq, cancellationToken)
            ?? throw new ChatRequestException(ErrorCode.NotFound, $"you are not in group {request.Group}");
        return new GroupReadOk
        {
            Group = group.Group,
            ReadSeq = group.ReadSeq,
            Unread = group.Unread,
            Mentions = group.Mentions,
            TotalUnread = await TotalUnreadAsync(user, cancellationToken),
        };
    }

    private async Task<ulong> TotalUnreadAsync(ulong user, CancellationToken cancellationToken) =>
        await memberGroups.UnreadAsync(user, cancellationToken) + await readState.TotalUnreadAsync(user, cancellationToken);

    private async Task<Frame> CallAsync(CellInfo cell, ulong user, Frame request, CancellationToken cancellationToken)
    {
        if (cell.Id == self.Id)
        {
            return await home.ExecuteAsync(user, request, cancellationToken);
        }

        CellProto.GroupCallReply reply;
        try
        {
            reply = await channels.Client<CellProto.GroupPeering.GroupPeeringClient>(cell.Grpc).CallAsync(
                new CellProto.GroupCallRequest { FromCell = self.Id, User = user, Request = request }, deadline: Deadlines.Work, cancellationToken: cancellationToken);
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new ChatRequestException(ErrorCode.Unavailable, $"the group's home cell '{cell.Id}' cannot be reached now; nothing was done there unless it says so later: try again");
        }

        return reply.Response?.BodyCase == Frame.BodyOneofCase.Error
            ? throw new ChatRequestException(reply.Response.Error.Code, reply.Response.Error.Message)
            : reply.Response ?? throw new ChatRequestException(ErrorCode.Internal, $"cell '{cell.Id}' answered with nothing");
    }

    /// <summary>A new group is homed in this cell when it has group numbers, else in the first cell that has.</summary>
    private CellInfo CreationCell()
    {
        var map = topology.Current;
        return map.FindCell(self.Id) is { GroupRanges.Count: > 0 } mine
            ? mine
            : map.Map.Cells.FirstOrDefault(c => c.GroupRanges.Count > 0)
              ?? throw new ChatRequestException(ErrorCode.Unavailable, "no cell has groupRanges in topology.json: groups are not set up in this cluster");
    }

    private CellInfo HomeOf(ulong group) =>
        topology.Current.LocateGroup(group) ?? throw new ChatRequestException(ErrorCode.NotFound, $"no group {group}: no cell owns that group number");

    private static ulong GroupOf(Frame request) => request.BodyCase switch
    {
        Frame.BodyOneofCase.GroupMembersChange => request.GroupMembersChange.Group,
        Frame.BodyOneofCase.GroupSet => request.GroupSet.Group,
        Frame.BodyOneofCase.GroupSend => request.GroupSend.Group,
        Frame.BodyOneofCase.GroupSync => request.GroupSync.Group,
        Frame.BodyOneofCase.GroupHistory => request.GroupHistory.Group,
        Frame.BodyOneofCase.GroupMembers => request.GroupMembers.Group,
        _ => throw ChatRequestException.BadRequest($"{request.BodyCase} is not a group request"),
    };
}
