using Grpc.Core;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using ImCells.Registry.Groups;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Groups;

/// <summary>
/// Before users join a group: each one's home cell says whether the user exists, has not blocked
/// the one adding it, and is under Groups:MaxGroupsPerUser. One call per member cell.
/// </summary>
internal sealed class GroupAdmission(
    CellIdentity self,
    TopologyCache topology,
    MemberGroupStore memberGroups,
    ChannelPool channels,
    GroupOptions options)
{
    /// <summary>Throws the first refusal as a <see cref="ChatRequestException"/>.</summary>
    public async Task RequireAsync(ulong actor, ulong group, IReadOnlyList<HomedUser> users, CancellationToken cancellationToken)
    {
        foreach (var cell in users.GroupBy(u => u.Cell))
        {
            var numbers = cell.Select(u => u.User).ToList();
            var refusals = cell.Key == self.Id
                ? await RefusalsAsync(actor, numbers, cancellationToken)
                : await AskAsync(cell.Key, actor, group, numbers, cancellationToken);
            if (refusals.FirstOrDefault() is { } refusal)
            {
                throw new ChatRequestException(refusal.Code, refusal.Reason);
            }
        }
    }

    /// <summary>The refusals for users homed in this cell (asked here by a group's home cell, or by this one).</summary>
    public async Task<List<CellProto.GroupCheckAddReply.Types.Refusal>> RefusalsAsync(ulong actor, IReadOnlyList<ulong> users, CancellationToken cancellationToken)
    {
        var (existing, blocking, counts) = await memberGroups.AdmissionAsync(actor, users, cancellationToken);
        var refusals = new List<CellProto.GroupCheckAddReply.Types.Refusal>();
        foreach (var user in users)
        {
            var (code, reason) = !existing.Contains(user) || topology.Current.Locate(user)?.Id != self.Id
                ? (ErrorCode.NotFound, $"no user {user}")
                : blocking.Contains(user) && user != actor
                    ? (ErrorCode.Blocked, $"{user} does not accept being added by you")
                    : counts.GetValueOrDefault(user) >= options.MaxGroupsPerUser
                        ? (ErrorCode.LimitReached, $"{user} is in {options.MaxGroupsPerUser} groups already (Groups:MaxGroupsPerUser)")
                        : (ErrorCode.ErrorUnspecified, "");
            if (code != ErrorCode.ErrorUnspecified)
            {
                refusals.Add(new CellProto.GroupCheckAddReply.Types.Refusal { User = user, Code = code, Reason = reason });
            }
        }

        return refusals;
    }

    private async Task<IReadOnlyList<CellProto.GroupCheckAddReply.Types.Refusal>> AskAsync(
        string cellId, ulong actor, ulong group, List<ulong> users, CancellationToken cancellationToken)
    {
        var cell = topology.Current.FindCell(cellId)
            ?? throw new ChatRequestException(ErrorCode.Unavailable, $"cell '{cellId}' is not in the topology");
        try
        {
            var request = new CellProto.GroupCheckAddRequest { FromCell = self.Id, Actor = actor, Group = group };
            request.Users.AddRange(users);
            var reply = await channels.Client<CellProto.GroupPeering.GroupPeeringClient>(cell.Grpc)
                .CheckAddAsync(request, deadline: Deadlines.Work, cancellationToken: cancellationToken);
            return reply.Refusals;
        }
        catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new ChatRequestException(ErrorCode.Unavailable, $"cell '{cellId}', home of some of those users, cannot be reached now; try again");
        }
    }
}
