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

    private Frame Expect(Frame response, Frame.BodyOneofCase expected) =>
        response.BodyCase == expected
            ? response
            : throw new ImClientException(
                ErrorCode.MalformedFrame, $"chat server {Endpoint} answered with {response.BodyCase} where {expected} was due");
}
