using ImCells.Cell.Chat;
using ImCells.Cell.Messaging;
using ImCells.Protos.Client;
using ImCells.Registry.Groups;
using ImCells.Topology;
using Kind = ImCells.Protos.Client.GroupMembersChangeRequest.Types.Kind;

namespace ImCells.Cell.Groups;

/// <summary>
/// The group's home cell: executes the group requests of members wherever they are homed (their
/// home cell asks here, through <see cref="GroupRequests"/>). A send is one timeline append, durable
/// before the ack; <see cref="GroupFanout"/> then tells the member cells.
/// </summary>
internal sealed class GroupHome(
    CellIdentity self,
    TopologyCache topology,
    GroupStore groups,
    GroupTimeline timeline,
    GroupAdmission admission,
    GroupFanout fanout,
    MessageIds ids,
    GroupOptions options,
    ChatOptions chat,
    TimeProvider time)
{
    private const int MaxPage = 500;

    public Task<Frame> ExecuteAsync(ulong user, Frame request, CancellationToken cancellationToken) =>
        GroupRefusals.AsChatErrorsAsync(async () => request.BodyCase switch
        {
            Frame.BodyOneofCase.GroupCreate => new Frame { GroupInfo = await CreateAsync(user, request.GroupCreate, cancellationToken) },
            Frame.BodyOneofCase.GroupMembersChange => new Frame { GroupInfo = await ChangeMembersAsync(user, request.GroupMembersChange, cancellationToken) },
            Frame.BodyOneofCase.GroupSet => new Frame { GroupInfo = await SetAsync(user, request.GroupSet, cancellationToken) },
            Frame.BodyOneofCase.GroupSend => new Frame { GroupSendAck = await SendAsync(user, request.GroupSend, cancellationToken) },
            Frame.BodyOneofCase.GroupSync => new Frame { GroupEntries = await SyncAsync(user, request.GroupSync, cancellationToken) },
            Frame.BodyOneofCase.GroupHistory => new Frame { GroupEntries = await HistoryAsync(user, request.GroupHistory, cancellationToken) },
            Frame.BodyOneofCase.GroupMembers => new Frame { GroupMemberList = await MembersAsync(user, request.GroupMembers, cancellationToken) },
            _ => throw ChatRequestException.BadRequest($"{request.BodyCase} is not a request for a group's home cell"),
        });

    private async Task<GroupInfo> CreateAsync(ulong user, GroupCreateRequest request, CancellationToken cancellationToken)
    {
        var name = CheckName(request.Name);
        CheckCount(request.Members.Count);
        if (request.Members.Count + 1 > options.MaxMembers)
        {
            throw new ChatRequestException(ErrorCode.LimitReached, $"a group has at most {options.MaxMembers} members (Groups:MaxMembers)");
        }

        if (request.ClientRequestId.Length > 64 || request.ClientRequestId.Any(char.IsControl))
        {
            throw ChatRequestException.BadRequest("client_request_id must be at most 64 characters, no control characters");
        }

        var ranges = (topology.Current.FindCell(self.Id)?.GroupRanges ?? []).Select(r => (r.First, r.Last)).ToList();
        if (ranges.Count == 0)
        {
            throw new ChatRequestException(ErrorCode.Unavailable, $"cell '{self.Id}' has no groupRanges in topology.json");
        }

        var creator = Homed(user);
        var members = request.Members.Where(m => m != user).Distinct().Select(Homed).ToList();
        await admission.RequireAsync(user, 0, [creator, .. members], cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var change = await groups.CreateAsync(ranges, creator, members, name, request.Open, request.HistoryVisible,
            request.ClientRequestId.Length > 0 ? request.ClientRequestId : null, ids.Next(now), now, cancellationToken);
        fanout.Changed(change.Group.Id);
        return GroupWire.Info(change.Group, self.Id, change.Entry.Seq, GroupRole.Owner);
    }

    private async Task<GroupInfo> ChangeMembersAsync(ulong user, GroupMembersChangeRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<HomedUser> targets = request.Kind is Kind.Join or Kind.Leave
            ? [Homed(user)]
            : request.Members.Distinct().Select(Homed).ToList();
        CheckCount(targets.Count);
        if (targets.Count == 0)
        {
            throw ChatRequestException.BadRequest("name at least one member");
        }

        if (request.Kind is Kind.Add or Kind.Join)
        {
            await admission.RequireAsync(user, request.Group, targets, cancellationToken);
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var change = await groups.ChangeMembersAsync(request.Group, Homed(user), request.Kind, targets, request.Role, options.MaxMembers, ids.Next(now), now, cancellationToken);
        fanout.Changed(request.Group);
        return await InfoAsync(change, user, cancellationToken);
    }

    private async Task<GroupInfo> SetAsync(ulong user, GroupSetRequest request, CancellationToken cancellationToken)
    {
        var name = request.Dissolve ? null : CheckName(request.Name);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var change = await groups.SetAsync(request.Group, user, name, request.Dissolve, ids.Next(now), now, cancellationToken);
        fanout.Changed(request.Group);
        return await InfoAsync(change, user, cancellationToken);
    }

    private async Task<GroupSendAck> SendAsync(ulong user, GroupSendRequest request, CancellationToken cancellationToken)
    {
        MessageText.Check(request.Text, chat.MaxTextBytes);
        MessageText.CheckClientMsgId(request.ClientMsgId);
        var clientMsgId = request.ClientMsgId.Length > 0 ? request.ClientMsgId : Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var (entry, _) = await timeline.AppendMessageAsync(request.Group, user, request.Text, Mentions.Parse(request.Text), clientMsgId, ids.Next(now), now,
            r =>
            {
                if (!r.Duplicate)
                {
                    fanout.Appended(r.Entry.Group);
                }
            }, CancellationToken.None);
        return new GroupSendAck { Group = entry.Group, Seq = entry.Seq, MessageId = entry.Id, SentAtMs = entry.SentAtMs };
    }

    /// <summary>What the member may read: from its join (or from the start when the group shows history) to its leaving.</summary>
    private async Task<(ulong Low, ulong High)> SpanAsync(ulong user, ulong groupId, CancellationToken cancellationToken)
    {
        var group = await groups.GetAsync(groupId, cancellationToken)
            ?? throw new ChatRequestException(ErrorCode.NotFound, $"no group {groupId}");
        var member = await groups.MemberAsync(groupId, user, cancellationToken)
            ?? throw new ChatRequestException(ErrorCode.Forbidden, $"you are not a member of group {groupId}");
        var low = group.HistoryVisible ? 0 : member.JoinSeq - 1;
        return (low, member.LeftSeq ?? group.HeadSeq);
    }

    private async Task<GroupEntries> SyncAsync(ulong user, GroupSyncRequest request, CancellationToken cancellationToken)
    {
        var (low, high) = await SpanAsync(user, request.Group, cancellationToken);
        var result = new GroupEntries { Group = request.Group, HeadSeq = high };
        var page = new ResponsePage();
        var limit = request.Limit == 0 ? chat.MaxSyncBatch : (int)Math.Min(request.Limit, (uint)chat.MaxSyncBatch);
        result.HasMore = await timeline.ReadForwardAsync(request.Group, Math.Max(low, request.FromSeq), high, limit,
            e => page.TryAdd(result.Entries, e), cancellationToken);
        return result;
    }

    private async Task<GroupEntries> HistoryAsync(ulong user, GroupHistoryRequest request, CancellationToken cancellationToken)
    {
        var (low, high) = await SpanAsync(user, request.Group, cancellationToken);
        var result = new GroupEntries { Group = request.Group, HeadSeq = high };
        var page = new ResponsePage();
        var before = request.BeforeSeq == 0 ? high + 1 : Math.Min(request.BeforeSeq, high + 1);
        var limit = request.Limit == 0 ? 50 : (int)Math.Min(request.Limit, MaxPage);
        result.HasMore = await timeline.ReadBackwardAsync(request.Group, low, before, limit, e => page.TryAdd(result.Entries, e), cancellationToken);
        return result;
    }

    private async Task<GroupMemberList> MembersAsync(ulong user, GroupMembersRequest request, CancellationToken cancellationToken)
    {
        if (await groups.MemberAsync(request.Group, user, cancellationToken) is not { IsMember: true })
        {
            throw await groups.GetAsync(request.Group, cancellationToken) is null
                ? new ChatRequestException(ErrorCode.NotFound, $"no group {request.Group}")
                : new ChatRequestException(ErrorCode.Forbidden, $"you are not a member of group {request.Group}");
        }

        var (members, more) = await groups.MembersAsync(request.Group, request.AfterUser, MaxPage, cancellationToken);
        var list = new GroupMemberList { Group = request.Group, HasMore = more };
        var page = new ResponsePage();
        foreach (var m in members)
        {
            if (!page.TryAdd(list.Members, new GroupMember { User = m.User, Role = m.Role, JoinSeq = m.JoinSeq }))
            {
                list.HasMore = true;
                break;
            }
        }

        return list;
    }

    private async Task<GroupInfo> InfoAsync(GroupChange change, ulong user, CancellationToken cancellationToken)
    {
        var me = await groups.MemberAsync(change.Group.Id, user, cancellationToken);
        return GroupWire.Info(change.Group, self.Id, change.Entry.Seq, me is { IsMember: true } ? me.Role : GroupRole.None);
    }

    private HomedUser Homed(ulong user) =>
        topology.Current.Locate(user) is { } cell
            ? new HomedUser(user, cell.Id)
            : throw new ChatRequestException(ErrorCode.NotFound, $"no cell owns number {user}");

    private void CheckCount(int count)
    {
        if (count > options.MaxMembersPerChange)
        {
            throw new ChatRequestException(ErrorCode.LimitReached,
                $"{count} users in one request; at most {options.MaxMembersPerChange} (Groups:MaxMembersPerChange): send them in parts");
        }
    }

    private string CheckName(string name)
    {
        var trimmed = name.Trim();
        if (trimmed.Length == 0 || trimmed.Length > options.MaxNameLength || trimmed.Any(char.IsControl))
        {
            throw ChatRequestException.BadRequest($"a group name is 1-{options.MaxNameLength} characters without control characters");
        }

        return trimmed;
    }
}
