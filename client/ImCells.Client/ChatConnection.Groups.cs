using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>The typed requests of group chat: membership, settings, the timeline, the user's group list.</summary>
internal sealed partial class ChatConnection
{
    public async Task<GroupInfo> GroupCreateAsync(GroupCreateRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupCreate = request }, ct), Frame.BodyOneofCase.GroupInfo).GroupInfo;

    public async Task<GroupInfo> GroupMembersChangeAsync(GroupMembersChangeRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupMembersChange = request }, ct), Frame.BodyOneofCase.GroupInfo).GroupInfo;

    public async Task<GroupInfo> GroupSetAsync(GroupSetRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupSet = request }, ct), Frame.BodyOneofCase.GroupInfo).GroupInfo;

    public async Task<GroupSendAck> GroupSendAsync(GroupSendRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupSend = request }, ct), Frame.BodyOneofCase.GroupSendAck).GroupSendAck;

    public async Task<GroupEntries> GroupSyncAsync(ulong group, ulong fromSeq, uint limit, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupSync = new GroupSyncRequest { Group = group, FromSeq = fromSeq, Limit = limit } }, ct),
            Frame.BodyOneofCase.GroupEntries).GroupEntries;

    public async Task<GroupEntries> GroupHistoryAsync(ulong group, ulong beforeSeq, uint limit, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupHistory = new GroupHistoryRequest { Group = group, BeforeSeq = beforeSeq, Limit = limit } }, ct),
            Frame.BodyOneofCase.GroupEntries).GroupEntries;

    public async Task<GroupMemberList> GroupMembersAsync(ulong group, ulong afterUser, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupMembers = new GroupMembersRequest { Group = group, AfterUser = afterUser } }, ct),
            Frame.BodyOneofCase.GroupMemberList).GroupMemberList;

    public async Task<GroupList> GroupListAsync(ulong afterGroup, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupList = new GroupListRequest { AfterGroup = afterGroup } }, ct),
            Frame.BodyOneofCase.GroupListResult).GroupListResult;

    public async Task<GroupReadOk> GroupMarkReadAsync(ulong group, ulong seq, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GroupMarkRead = new GroupMarkReadRequest { Group = group, Seq = seq } }, ct),
            Frame.BodyOneofCase.GroupReadOk).GroupReadOk;
}
