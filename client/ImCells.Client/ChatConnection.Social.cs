using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>The typed requests of the social layer: profiles, friends, blacklist, presence, privacy.</summary>
internal sealed partial class ChatConnection
{
    public async Task<Profile> GetProfileAsync(ulong user, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GetProfile = new GetProfileRequest { User = user } }, ct),
            Frame.BodyOneofCase.Profile).Profile;

    public async Task<Profile> SetProfileAsync(Profile profile, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { SetProfile = new SetProfileRequest { Profile = profile } }, ct),
            Frame.BodyOneofCase.Profile).Profile;

    public async Task<FriendOk> RequestFriendAsync(ulong to, string message, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { FriendRequest = new FriendRequest { To = to, Message = message } }, ct),
            Frame.BodyOneofCase.FriendOk).FriendOk;

    public async Task<FriendOk> RespondFriendAsync(ulong from, bool accept, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { FriendRespond = new FriendRespondRequest { From = from, Accept = accept } }, ct),
            Frame.BodyOneofCase.FriendOk).FriendOk;

    public async Task<FriendOk> RemoveFriendAsync(ulong friend, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { FriendRemove = new FriendRemoveRequest { Friend = friend } }, ct),
            Frame.BodyOneofCase.FriendOk).FriendOk;

    public async Task<FriendList> FriendListAsync(FriendListRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { FriendList = request }, ct),
            Frame.BodyOneofCase.FriendListResult).FriendListResult;

    public async Task<BlockOk> BlockAsync(ulong user, bool block, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { Block = new BlockRequest { User = user, Block = block } }, ct),
            Frame.BodyOneofCase.BlockOk).BlockOk;

    public async Task<PresenceOk> SetPresenceAsync(Presence presence, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { SetPresence = new SetPresenceRequest { Presence = presence } }, ct),
            Frame.BodyOneofCase.PresenceOk).PresenceOk;

    public async Task<PrivacyOk> SetPrivacyAsync(bool onlyFriends, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { SetPrivacy = new SetPrivacyRequest { OnlyFriends = onlyFriends } }, ct),
            Frame.BodyOneofCase.PrivacyOk).PrivacyOk;
}
