using System.Text;
using ImCells.Cell.Chat;
using ImCells.Common.Security;
using ImCells.Common.Topology;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// The cell side of the client protocol: token check, one-to-one send (same cell: both mailboxes
/// in one transaction; cross cell: sender's mailbox + outbox, then the forwarder), sync and acks.
/// </summary>
internal sealed partial class CellChatBackend(
    CellIdentity self,
    TopologyCache topology,
    TokenService tokens,
    MailboxStore mailboxes,
    SessionRegistry sessions,
    Notifier notifier,
    RemoteUsers remoteUsers,
    OutboxForwarder forwarder,
    MessageIds ids,
    ChatOptions options,
    TimeProvider time,
    ILogger<CellChatBackend> logger) : IChatBackend
{
    private const int MaxClientMsgIdLength = 64;

    public string CellId => self.Id;

    public Task<(ulong UserId, string DeviceId)> AuthenticateAsync(Auth auth, CancellationToken cancellationToken)
    {
        switch (tokens.Verify(auth.Token, out var claims))
        {
            case TokenCheck.Valid:
                break;
            case TokenCheck.Expired:
                throw new ChatRequestException(ErrorCode.BadToken, "token expired; log in again");
            default:
                throw new ChatRequestException(ErrorCode.BadToken, "token is not valid");
        }

        if (claims!.ServingCell != self.Id || claims.HomeCell != self.Id)
        {
            throw new ChatRequestException(ErrorCode.BadToken, $"token is for cell '{claims.ServingCell}', this is cell '{self.Id}'");
        }

        if (auth.DeviceId.Length > 0 && auth.DeviceId != claims.DeviceId)
        {
            throw new ChatRequestException(ErrorCode.BadToken, "device id differs from the token's");
        }

        return Task.FromResult((claims.UserId, claims.DeviceId));
    }

    public async Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        var replaced = sessions.Add(session);
        if (replaced is not null)
        {
            SessionLog.Replaced(logger, session.UserId, session.DeviceId, replaced.ConnectionId);
            replaced.TryPush(new Frame { Kicked = new Kicked { Reason = "signed in again on this device" } });
            replaced.Abort();
        }

        // Read after the session is reachable: anything committed later is pushed, anything earlier synced.
        return await mailboxes.HeadSeqAsync(session.UserId, cancellationToken);
    }

    public void Detach(ChatSession session) => sessions.Remove(session);

    public async Task<SendAck> SendAsync(ChatSession session, SendRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        var clientMsgId = request.ClientMsgId.Length > 0 ? request.ClientMsgId : Guid.NewGuid().ToString("N");
        var owner = topology.Current.Locate(request.To)
            ?? throw new ChatRequestException(ErrorCode.UnknownRecipient, $"no cell owns number {request.To}");
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var message = new RoutedMessage(ids.Next(now), session.UserId, request.To, request.Text, now);

        SendResult result;
        if (owner.Id == self.Id)
        {
            result = await mailboxes.SendLocalAsync(message, clientMsgId, r => notifier.NewEntries(r.Appended), CancellationToken.None);
            if (result.Outcome == SendOutcome.UnknownRecipient)
            {
                throw new ChatRequestException(ErrorCode.UnknownRecipient, $"user {request.To} does not exist");
            }
        }
        else
        {
            // A home cell that cannot be asked now still gets the message: the outbox waits for it.
            var known = await remoteUsers.LookupAsync(owner, request.To, cancellationToken);
            if (known is { Exists: false })
            {
                throw new ChatRequestException(ErrorCode.UnknownRecipient, $"user {request.To} does not exist");
            }

            result = await mailboxes.SendRemoteAsync(message, clientMsgId, owner.Id, r => notifier.NewEntries(r.Appended), CancellationToken.None);
            forwarder.Wake();
        }

        return new SendAck { MessageId = result.MessageId, Seq = result.SenderSeq, SentAtMs = result.SentAtMs };
    }

    public async Task<SyncResult> SyncAsync(ChatSession session, SyncRequest request, CancellationToken cancellationToken)
    {
        var limit = request.Limit == 0 ? options.MaxSyncBatch : (int)Math.Min(request.Limit, (uint)options.MaxSyncBatch);
        var (entries, head, hasMore) = await mailboxes.SyncAsync(session.UserId, request.FromSeq, limit, cancellationToken);
        var result = new SyncResult { HeadSeq = head, HasMore = hasMore };
        foreach (var entry in entries)
        {
            result.Messages.Add(Notifier.ToProto(entry));
        }

        return result;
    }

    public async Task<AckOk> AckAsync(ChatSession session, AckRequest request, CancellationToken cancellationToken)
    {
        var head = await mailboxes.HeadSeqAsync(session.UserId, cancellationToken);
        if (request.Seq > head)
        {
            throw ChatRequestException.BadRequest($"seq {request.Seq} is beyond the mailbox head {head}");
        }

        await mailboxes.AdvanceCursorAsync(session.UserId, session.DeviceId, request.Seq, cancellationToken);
        return new AckOk { Seq = request.Seq };
    }

    private void Validate(SendRequest request)
    {
        if (request.To == 0)
        {
            throw ChatRequestException.BadRequest("recipient (to) is required");
        }

        if (request.Text.Length == 0)
        {
            throw ChatRequestException.BadRequest("text is empty");
        }

        var bytes = Encoding.UTF8.GetByteCount(request.Text);
        if (bytes > options.MaxTextBytes)
        {
            throw new ChatRequestException(ErrorCode.MessageTooLarge,
                $"text is {bytes} bytes; the limit is {options.MaxTextBytes} (Chat:MaxTextBytes)");
        }

        if (request.ClientMsgId.Length > MaxClientMsgIdLength)
        {
            throw ChatRequestException.BadRequest($"client_msg_id is longer than {MaxClientMsgIdLength} characters");
        }
    }
}
