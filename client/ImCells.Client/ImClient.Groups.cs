using ImCells.Protos.Client;
using Kind = ImCells.Protos.Client.GroupMembersChangeRequest.Types.Kind;

namespace ImCells.Client;

/// <summary>
/// Group chat, the membership side: creating a group, changing its members and roles, renaming and
/// dissolving it, and listing its members or this user's groups (each list followed to its end).
/// </summary>
public sealed partial class ImClient
{
    /// <summary>The server takes at most this many members in one request; longer lists go in chunks.</summary>
    internal const int MaxMembersPerRequest = 1000;

    /// <summary>
    /// Creates a group owned by this user. Asked again like a send when the answer is lost (one
    /// client_request_id: still one group); members past the first 1000 are added in chunks after it.
    /// </summary>
    /// <exception cref="ImClientException">BLOCKED (a member blocked this user), LIMIT_REACHED, BAD_REQUEST.</exception>
    public async Task<GroupInfo> CreateGroupAsync(
        string name, IEnumerable<ulong>? members = null, bool open = false, bool historyVisible = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var chunks = (members ?? []).Chunk(MaxMembersPerRequest).ToList();
        var request = new GroupCreateRequest
        {
            Name = name,
            Open = open,
            HistoryVisible = historyVisible,
            ClientRequestId = Guid.NewGuid().ToString("N"),
        };
        if (chunks.Count > 0)
        {
            request.Members.Add(chunks[0]);
        }

        var info = await ResendUntilAnsweredAsync((connection, t) => connection.GroupCreateAsync(request, t), ct);
        foreach (var chunk in chunks.Skip(1))
        {
            info = await ChangeMembersAsync(info.Group, Kind.Add, chunk, GroupRole.None, ct);
        }

        return info;
    }

    /// <summary>
    /// Adds <paramref name="members"/>, 1000 per request (each its own ADDED event); returns the group
    /// after the last. A failing chunk throws, and the chunks before it stay added.
    /// </summary>
    /// <exception cref="ImClientException">FORBIDDEN, BLOCKED, LIMIT_REACHED, NOT_FOUND.</exception>
    public async Task<GroupInfo> AddGroupMembersAsync(ulong group, IEnumerable<ulong> members, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(members);
        GroupInfo? info = null;
        foreach (var chunk in members.Chunk(MaxMembersPerRequest))
        {
            info = await ChangeMembersAsync(group, Kind.Add, chunk, GroupRole.None, ct);
        }

        return info ?? throw new ArgumentException("no member to add", nameof(members));
    }

    /// <exception cref="ImClientException">FORBIDDEN when this user's role may not remove <paramref name="member"/>.</exception>
    public Task<GroupInfo> RemoveGroupMemberAsync(ulong group, ulong member, CancellationToken ct = default) =>
        ChangeMembersAsync(group, Kind.Remove, [member], GroupRole.None, ct);

    /// <summary>Leaves the group; its timeline stays readable up to the LEFT event.</summary>
    public Task<GroupInfo> LeaveGroupAsync(ulong group, CancellationToken ct = default) =>
        ChangeMembersAsync(group, Kind.Leave, [], GroupRole.None, ct);

    /// <exception cref="ImClientException">FORBIDDEN when the group is not open.</exception>
    public Task<GroupInfo> JoinGroupAsync(ulong group, CancellationToken ct = default) =>
        ChangeMembersAsync(group, Kind.Join, [], GroupRole.None, ct);

    /// <summary>MEMBER, ADMIN, or OWNER (which hands the ownership over).</summary>
    public Task<GroupInfo> SetGroupRoleAsync(ulong group, ulong member, GroupRole role, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(role, GroupRole.None);
        return ChangeMembersAsync(group, Kind.SetRole, [member], role, ct);
    }

    public Task<GroupInfo> RenameGroupAsync(ulong group, string name, CancellationToken ct = default)
    {
        // An empty name means "unchanged" on the wire: it could never rename.
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Current().GroupSetAsync(new GroupSetRequest { Group = group, Name = name }, ct);
    }

    /// <summary>Ends the group for everyone (owner only); the timeline stays readable.</summary>
    public Task<GroupInfo> DissolveGroupAsync(ulong group, CancellationToken ct = default) =>
        Current().GroupSetAsync(new GroupSetRequest { Group = group, Dissolve = true }, ct);

    /// <summary>Every member, in number order (every page of them).</summary>
    public async Task<IReadOnlyList<GroupMember>> GroupMembersAsync(ulong group, CancellationToken ct = default)
    {
        var all = new List<GroupMember>();
        while (true)
        {
            var page = await Current().GroupMembersAsync(group, all.Count > 0 ? all[^1].User : 0, ct);
            all.AddRange(page.Members);
            if (!page.HasMore || page.Members.Count == 0)
            {
                return all;
            }
        }
    }

    /// <summary>
    /// This user's groups in number order with their read state, including those it left (role
    /// GROUP_ROLE_NONE): every page in one list, with total_unread as the last page gave it.
    /// </summary>
    public async Task<GroupList> GroupListAsync(CancellationToken ct = default)
    {
        var all = new GroupList();
        while (true)
        {
            var page = await Current().GroupListAsync(all.Groups.Count > 0 ? all.Groups[^1].Group : 0, ct);
            all.Groups.Add(page.Groups);
            all.TotalUnread = page.TotalUnread;
            if (!page.HasMore || page.Groups.Count == 0)
            {
                return all;
            }
        }
    }

    private Task<GroupInfo> ChangeMembersAsync(ulong group, Kind kind, ulong[] members, GroupRole role, CancellationToken ct) =>
        Current().GroupMembersChangeAsync(new GroupMembersChangeRequest { Group = group, Kind = kind, Members = { members }, Role = role }, ct);
}
