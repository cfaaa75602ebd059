using ImCells.Protos.Client;
using Kind = ImCells.Protos.Client.GroupMembersChangeRequest.Types.Kind;
using EventKind = ImCells.Protos.Client.GroupEvent.Types.Kind;

namespace ImCells.Registry.Groups;

/// <summary>
/// Who may change what in a group, decided on the rows read inside the change's transaction.
/// Owner: everything; one owner, who hands ownership over with SET_ROLE OWNER and cannot leave.
/// Admins: add, remove plain members, rename. Members: leave, and add when the group is open.
/// Anyone: join an open group. A refusal is a <see cref="GroupRefusedException"/>; nothing is written.
/// </summary>
public static class GroupRules
{
    /// <summary>What one membership change does: its event, who joins, who goes, whose role changes.</summary>
    public sealed record MembershipPlan(
        GroupEvent Event, IReadOnlyList<HomedUser> Joined, IReadOnlyList<HomedUser> Gone, IReadOnlyList<(ulong User, GroupRole Role)> Roles, ulong? NewOwner);

    public static MembershipPlan Plan(
        GroupRecord group, ulong actor, MemberRecord? me, Kind kind, IReadOnlyList<HomedUser> targets,
        IReadOnlyDictionary<ulong, MemberRecord> currentTargets, GroupRole role, int maxMembers)
    {
        var myRole = me is { IsMember: true } ? me.Role : GroupRole.None;
        switch (kind)
        {
            case Kind.Join:
                Require(myRole == GroupRole.None, ErrorCode.Conflict, $"you are already a member of group {group.Id}");
                Require(group.Joinable, ErrorCode.Forbidden, $"group {group.Id} is not open: ask a member to add you");
                Require(group.MemberCount < maxMembers, ErrorCode.LimitReached, $"group {group.Id} is full ({maxMembers} members)");
                return new(Event(EventKind.Joined, [actor]), [targets[0]], [], [], null);

            case Kind.Leave:
                Require(myRole != GroupRole.None, ErrorCode.Forbidden, $"you are not a member of group {group.Id}");
                Require(myRole != GroupRole.Owner, ErrorCode.Conflict,
                    "the owner cannot leave: hand ownership over (group role --role owner) or dissolve the group");
                return new(Event(EventKind.Left, [actor]), [], [targets[0]], [], null);

            case Kind.Add:
                Require(myRole >= GroupRole.Admin || (myRole == GroupRole.Member && group.Joinable), ErrorCode.Forbidden,
                    myRole == GroupRole.None ? $"you are not a member of group {group.Id}" : "only admins add members to a group that is not open");
                var added = targets.Where(t => !currentTargets.ContainsKey(t.User)).DistinctBy(t => t.User).ToList();
                Require(added.Count > 0, ErrorCode.Conflict, "every one of them is a member already");
                Require(group.MemberCount + added.Count <= maxMembers, ErrorCode.LimitReached,
                    $"group {group.Id} would have {group.MemberCount + added.Count} members; at most {maxMembers}");
                return new(Event(EventKind.Added, added.Select(a => a.User), GroupRole.Member), added, [], [], null);

            case Kind.Remove:
                Require(myRole >= GroupRole.Admin, ErrorCode.Forbidden, "only admins and the owner remove members");
                var removed = new List<HomedUser>();
                foreach (var target in targets.DistinctBy(t => t.User))
                {
                    Require(target.User != actor, ErrorCode.BadRequest, "to leave a group, use leave");
                    Require(currentTargets.TryGetValue(target.User, out var member), ErrorCode.NotFound, $"{target.User} is not a member of group {group.Id}");
                    Require(member!.Role < myRole, ErrorCode.Forbidden, $"{target.User} is {Name(member.Role)}: only a higher role removes them");
                    removed.Add(target);
                }

                return new(Event(EventKind.Removed, removed.Select(r => r.User)), [], removed, [], null);

            case Kind.SetRole:
                Require(myRole == GroupRole.Owner, ErrorCode.Forbidden, "only the owner changes roles");
                Require(role is GroupRole.Member or GroupRole.Admin or GroupRole.Owner, ErrorCode.BadRequest, "role must be member, admin or owner");
                Require(targets.Count > 0, ErrorCode.BadRequest, "name the members whose role changes");
                foreach (var target in targets)
                {
                    Require(target.User != actor, ErrorCode.BadRequest, "the owner's role changes only by handing ownership over");
                    Require(currentTargets.ContainsKey(target.User), ErrorCode.NotFound, $"{target.User} is not a member of group {group.Id}");
                }

                if (role == GroupRole.Owner)
                {
                    Require(targets.Count == 1, ErrorCode.BadRequest, "a group has one owner: name one member");
                    return new(Event(EventKind.Role, [targets[0].User], GroupRole.Owner), [], [],
                        [(targets[0].User, GroupRole.Owner), (actor, GroupRole.Admin)], targets[0].User);
                }

                return new(Event(EventKind.Role, targets.Select(t => t.User).Distinct(), role), [], [],
                    targets.Select(t => (t.User, role)).Distinct().ToList(), null);

            default:
                throw new GroupRefusedException(ErrorCode.BadRequest, $"unknown membership change {kind}");
        }
    }

    /// <summary>The event of a rename (admins) or a dissolve (the owner).</summary>
    public static GroupEvent Setting(GroupRecord group, ulong actor, MemberRecord? me, string? name, bool dissolve)
    {
        var myRole = me is { IsMember: true } ? me.Role : GroupRole.None;
        if (dissolve)
        {
            Require(myRole == GroupRole.Owner, ErrorCode.Forbidden, "only the owner dissolves a group");
            return new GroupEvent { Kind = EventKind.Dissolved };
        }

        Require(myRole >= GroupRole.Admin, ErrorCode.Forbidden, "only admins and the owner rename a group");
        Require(!string.IsNullOrEmpty(name), ErrorCode.BadRequest, "give a name, or dissolve");
        return new GroupEvent { Kind = EventKind.Renamed, Name = name! };
    }

    public static string Name(GroupRole role) => role switch
    {
        GroupRole.Owner => "the owner",
        GroupRole.Admin => "an admin",
        GroupRole.Member => "a member",
        _ => "not a member",
    };

    private static GroupEvent Event(EventKind kind, IEnumerable<ulong> members, GroupRole role = GroupRole.None)
    {
        var e = new GroupEvent { Kind = kind, Role = role };
        e.Members.AddRange(members);
        return e;
    }

    private static void Require(bool condition, ErrorCode code, string message)
    {
        if (!condition)
        {
            throw new GroupRefusedException(code, message);
        }
    }
}
