using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>The typed requests of the client protocol, each unwrapped to its one response body.</summary>
internal sealed partial class ChatConnection
{
    public async Task<SendAck> SendAsync(SendRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { Send = request }, ct), Frame.BodyOneofCase.SendAck).SendAck;

    public async Task<SyncResult> SyncAsync(ulong fromSeq, uint limit, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { Sync = new SyncRequest { FromSeq = fromSeq, Limit = limit } }, ct),
            Frame.BodyOneofCase.SyncResult).SyncResult;

    public async Task<AckOk> AckAsync(ulong seq, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { Ack = new AckRequest { Seq = seq } }, ct), Frame.BodyOneofCase.AckOk).AckOk;

    public async Task<Pong> PingAsync(CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { Ping = new Ping { ClientTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() } }, ct),
            Frame.BodyOneofCase.Pong).Pong;

    public async Task<MarkReadOk> MarkReadAsync(ulong peer, ulong seq, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { MarkRead = new MarkReadRequest { Peer = peer, Seq = seq } }, ct),
            Frame.BodyOneofCase.MarkReadOk).MarkReadOk;

    public async Task<HistoryResult> HistoryAsync(ulong peer, ulong beforeSeq, uint limit, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { History = new HistoryRequest { Peer = peer, BeforeSeq = beforeSeq, Limit = limit } }, ct),
            Frame.BodyOneofCase.HistoryResult).HistoryResult;

    public async Task<ConversationsResult> ConversationsAsync(uint limit, ulong beforeSeq, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { Conversations = new ConversationsRequest { Limit = limit, BeforeSeq = beforeSeq } }, ct),
            Frame.BodyOneofCase.ConversationsResult).ConversationsResult;

    public async Task<ScheduledList> ListScheduledAsync(ListScheduledRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { ListScheduled = request }, ct),
            Frame.BodyOneofCase.ScheduledList).ScheduledList;

    public async Task<CancelScheduledOk> CancelScheduledAsync(string scheduleId, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { CancelScheduled = new CancelScheduledRequest { ScheduleId = scheduleId } }, ct),
            Frame.BodyOneofCase.CancelScheduledOk).CancelScheduledOk;

    public async Task<SettingsOk> SetSettingsAsync(SetSettingsRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { SetSettings = request }, ct), Frame.BodyOneofCase.SettingsOk).SettingsOk;

    public async Task<SettingsOk> GetSettingsAsync(CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { GetSettings = new GetSettingsRequest() }, ct), Frame.BodyOneofCase.SettingsOk).SettingsOk;

    public async Task<DeviceCursor> DeviceCursorAsync(CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { DeviceCursor = new DeviceCursorRequest() }, ct),
            Frame.BodyOneofCase.DeviceCursorResult).DeviceCursorResult;

    public async Task<LogoutOk> LogoutAsync(LogoutRequest request, CancellationToken ct) =>
        Expect(await RequestAsync(new Frame { Logout = request }, ct), Frame.BodyOneofCase.LogoutOk).LogoutOk;

    private Frame Expect(Frame response, Frame.BodyOneofCase expected) =>
        response.BodyCase == expected
            ? response
            : throw new ImClientException(
                ErrorCode.MalformedFrame, $"chat server {Endpoint} answered with {response.BodyCase} where {expected} was due");
}
