using ImCells.Cell.Accounts;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Cell.Groups;
using ImCells.Cell.Messaging;
using ImCells.Cell.Social;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using ImCells.Server.Security;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// Executes the client requests of a user homed in this cell, whether its device is connected
/// here or roams in another cell (then the serving cell forwards each request): sends (now or
/// scheduled), sync, acks, read state, history, conversations, the social requests, and logout.
/// </summary>
internal sealed partial class RequestHandler(
    MailboxStore mailboxes,
    ReadStateStore readState,
    ScheduledStore scheduled,
    MessageRouter router,
    Scheduler scheduler,
    Notifier notifier,
    ReadReceipts receipts,
    SocialService socialService,
    MessageIds ids,
    DeviceLogout logout,
    GroupRequests groupRequests,
    ChatOptions options,
    TimeProvider time)
{
    private const int MaxPageSize = 500;
    private static readonly TimeSpan MaxScheduleAhead = TimeSpan.FromDays(366);

    /// <summary>10^12 ms (2001-09-09): a smaller time is seconds sent as milliseconds, not a time to wait for.</summary>
    private const long MinDeliverAtMs = 1_000_000_000_000;

    public async Task<Frame> ExecuteAsync(Caller caller, Frame request, CancellationToken cancellationToken)
    {
        RequestRules.Check(request);
        var me = caller.UserId;
        return request.BodyCase switch
        {
            Frame.BodyOneofCase.Send => new Frame { SendAck = await SendAsync(caller, request.Send, cancellationToken) },
            Frame.BodyOneofCase.Sync => new Frame { SyncResult = await SyncAsync(caller, request.Sync, cancellationToken) },
            Frame.BodyOneofCase.Ack => new Frame { AckOk = await AckAsync(caller, request.Ack, cancellationToken) },
            Frame.BodyOneofCase.MarkRead => new Frame { MarkReadOk = await MarkReadAsync(caller, request.MarkRead, cancellationToken) },
            Frame.BodyOneofCase.History => new Frame { HistoryResult = await HistoryAsync(caller, request.History, cancellationToken) },
            Frame.BodyOneofCase.Conversations => new Frame { ConversationsResult = await ConversationsAsync(caller, request.Conversations, cancellationToken) },
            Frame.BodyOneofCase.ListScheduled => new Frame { ScheduledList = await ListScheduledAsync(caller, request.ListScheduled, cancellationToken) },
            Frame.BodyOneofCase.CancelScheduled => new Frame { CancelScheduledOk = await CancelScheduledAsync(caller, request.CancelScheduled, cancellationToken) },
            Frame.BodyOneofCase.SetSettings => new Frame { SettingsOk = await SetSettingsAsync(caller, request.SetSettings, cancellationToken) },
            Frame.BodyOneofCase.GetSettings => new Frame { SettingsOk = new SettingsOk { ReadReceipts = await readState.ReadReceiptsAsync(me, cancellationToken) } },
            Frame.BodyOneofCase.DeviceCursor => new Frame { DeviceCursorResult = new DeviceCursor { AckedSeq = await mailboxes.CursorAsync(me, caller.DeviceId, cancellationToken) ?? 0 } },
            Frame.BodyOneofCase.GetProfile => new Frame { Profile = await socialService.GetProfileAsync(request.GetProfile.User, cancellationToken) },
            Frame.BodyOneofCase.SetProfile => new Frame { Profile = await socialService.SetProfileAsync(me, request.SetProfile.Profile ?? new Profile(), cancellationToken) },
            Frame.BodyOneofCase.FriendRequest => new Frame { FriendOk = await socialService.RequestAsync(me, request.FriendRequest, cancellationToken) },
            Frame.BodyOneofCase.FriendRespond => new Frame { FriendOk = await socialService.RespondAsync(me, request.FriendRespond, cancellationToken) },
            Frame.BodyOneofCase.FriendRemove => new Frame { FriendOk = await socialService.RemoveAsync(me, request.FriendRemove.Friend, cancellationToken) },
            Frame.BodyOneofCase.FriendList => new Frame { FriendListResult = await socialService.ListAsync(me, request.FriendList, cancellationToken) },
            Frame.BodyOneofCase.Block => new Frame { BlockOk = await socialService.BlockAsync(me, request.Block, cancellationToken) },
            Frame.BodyOneofCase.SetPresence => new Frame { PresenceOk = socialService.SetPresence(me, request.SetPresence) },
            Frame.BodyOneofCase.SetPrivacy => new Frame { PrivacyOk = await socialService.SetPrivacyAsync(me, request.SetPrivacy, cancellationToken) },
            Frame.BodyOneofCase.Logout => new Frame { LogoutOk = await LogoutAsync(caller, request.Logout, cancellationToken) },
            Frame.BodyOneofCase.GroupCreate or Frame.BodyOneofCase.GroupMembersChange or Frame.BodyOneofCase.GroupSet
                or Frame.BodyOneofCase.GroupSend or Frame.BodyOneofCase.GroupSync or Frame.BodyOneofCase.GroupHistory
                or Frame.BodyOneofCase.GroupMembers or Frame.BodyOneofCase.GroupList or Frame.BodyOneofCase.GroupMarkRead
                => await groupRequests.ExecuteAsync(me, request, cancellationToken),
            _ => throw ChatRequestException.BadRequest($"{request.BodyCase} is not a request"),
        };
    }

    private async Task<SendAck> SendAsync(Caller caller, SendRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Validate(request, now);
        var clientMsgId = request.ClientMsgId.Length > 0 ? request.ClientMsgId : Guid.NewGuid().ToString("N");
        if (request.DeliverAtMs > now.ToUnixTimeMilliseconds())
        {
            return await ScheduleAsync(caller, request, clientMsgId, now, cancellationToken);
        }

        var result = await router.SendAsync(caller.UserId, request.To, request.Text, clientMsgId, caller.DeviceId, cancellationToken);
        return new SendAck
        {
            MessageId = result.MessageId,
            Seq = result.SenderSeq,
            SentAtMs = result.SentAtMs,
            OwnCopyInAck = MessageRouter.OwnCopyInAck(result) && caller.DeviceId.Length > 0,
            Forwarded = router.HomedElsewhere(request.To),
        };
    }

    /// <summary>Cut by count (Chat:MaxSyncBatch) and by bytes (<see cref="ResponsePage"/>); at least one message when any is there.</summary>
    private async Task<SyncResult> SyncAsync(Caller caller, SyncRequest request, CancellationToken cancellationToken)
    {
        var limit = request.Limit == 0 ? options.MaxSyncBatch : (int)Math.Min(request.Limit, (uint)options.MaxSyncBatch);
        var result = new SyncResult();
        var page = new ResponsePage();
        (result.HeadSeq, result.HasMore) = await mailboxes.SyncAsync(caller.UserId, request.FromSeq, limit,
            entry => page.TryAdd(result.Messages, Notifier.ToProto(entry)), cancellationToken);
        return result;
    }

    private async Task<AckOk> AckAsync(Caller caller, AckRequest request, CancellationToken cancellationToken)
    {
        await RequireWithinMailboxAsync(caller, request.Seq, cancellationToken);
        await mailboxes.AdvanceCursorAsync(caller.UserId, caller.DeviceId, request.Seq, cancellationToken);
        return new AckOk { Seq = request.Seq };
    }

    private async Task<MarkReadOk> MarkReadAsync(Caller caller, MarkReadRequest request, CancellationToken cancellationToken)
    {
        await RequireWithinMailboxAsync(caller, request.Seq, cancellationToken);
        var result = await readState.MarkReadAsync(caller.UserId, request.Peer, request.Seq, cancellationToken)
            ?? throw new ChatRequestException(ErrorCode.NotFound, $"no conversation with {request.Peer}");
        notifier.ReadStateChanged(caller.UserId, new ReadStateChanged
        {
            Peer = request.Peer,
            ReadSeq = result.ReadSeq,
            Unread = result.Unread,
            TotalUnread = result.TotalUnread,
        }, exceptDevice: caller.DeviceId);
        if (result.ReceiptsEnabled && result.ReceiptMessageId is not null)
        {
            await receipts.SendAsync(caller.UserId, request.Peer, result.ReceiptMessageId, time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        return new MarkReadOk { Peer = request.Peer, ReadSeq = result.ReadSeq, Unread = result.Unread, TotalUnread = result.TotalUnread };
    }

    private async Task<HistoryResult> HistoryAsync(Caller caller, HistoryRequest request, CancellationToken cancellationToken)
    {
        var result = new HistoryResult();
        var page = new ResponsePage();
        result.HasMore = await readState.HistoryAsync(caller.UserId, request.Peer, request.BeforeSeq, PageSize(request.Limit),
            entry => page.TryAdd(result.Messages, Notifier.ToProto(entry)), cancellationToken);
        return result;
    }

    private async Task<ConversationsResult> ConversationsAsync(Caller caller, ConversationsRequest request, CancellationToken cancellationToken)
    {
        var result = new ConversationsResult();
        var page = new ResponsePage();
        (var oneToOne, result.HasMore) = await readState.ConversationsAsync(caller.UserId, request.BeforeSeq, PageSize(request.Limit),
            c => page.TryAdd(result.Conversations, new Conversation
            {
                Peer = c.Peer,
                LastMessage = Notifier.ToProto(c.LastMessage),
                Unread = c.Unread,
                ReadSeq = c.ReadSeq,
            }), cancellationToken);
        // The total counts groups too (their list is GroupList): one number for "unread" in a client.
        result.TotalUnread = oneToOne + await groupRequests.UnreadAsync(caller.UserId, cancellationToken);
        return result;
    }

    private async Task<ScheduledList> ListScheduledAsync(Caller caller, ListScheduledRequest request, CancellationToken cancellationToken)
    {
        var list = new ScheduledList();
        var page = new ResponsePage();
        list.HasMore = await scheduled.PendingOfAsync(caller.UserId, request.AfterDeliverAtMs, request.AfterScheduleId, MaxPageSize,
            e => page.TryAdd(list.Items, new ScheduledMessage
            {
                ScheduleId = e.Id,
                To = e.To,
                Text = e.Text,
                DeliverAtMs = e.DeliverAtMs,
                ClientMsgId = e.ClientMsgId,
            }), cancellationToken);
        return list;
    }

    private async Task<CancelScheduledOk> CancelScheduledAsync(Caller caller, CancelScheduledRequest request, CancellationToken cancellationToken) =>
        await scheduled.CancelAsync(caller.UserId, request.ScheduleId, cancellationToken)
            ? new CancelScheduledOk { ScheduleId = request.ScheduleId }
            : throw new ChatRequestException(ErrorCode.NotFound, $"no pending scheduled message '{request.ScheduleId}'");

    private async Task<SettingsOk> SetSettingsAsync(Caller caller, SetSettingsRequest request, CancellationToken cancellationToken)
    {
        await readState.SetReadReceiptsAsync(caller.UserId, request.ReadReceipts, cancellationToken);
        return new SettingsOk { ReadReceipts = request.ReadReceipts };
    }

    private Task<LogoutOk> LogoutAsync(Caller caller, LogoutRequest request, CancellationToken cancellationToken)
    {
        if (request.AllDevices)
        {
            return logout.LogoutAsync(caller.UserId, null, cancellationToken);
        }

        var device = request.DeviceId.Length > 0 ? request.DeviceId : caller.DeviceId;
        return TokenService.DeviceIdPattern().IsMatch(device)
            ? logout.LogoutAsync(caller.UserId, device, cancellationToken)
            : throw ChatRequestException.BadRequest("device_id must be 1-64 of A-Z a-z 0-9 . _ : -");
    }

    private async Task<SendAck> ScheduleAsync(Caller caller, SendRequest request, string clientMsgId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entry = await scheduled.AddAsync(new ScheduledEntry(ids.NextSchedule(now.ToUnixTimeMilliseconds()), caller.UserId,
            request.To, request.Text, clientMsgId, request.DeliverAtMs), cancellationToken);
        scheduler.Wake();
        return new SendAck { ScheduleId = entry.Id, DeliverAtMs = entry.DeliverAtMs };
    }

    private async Task RequireWithinMailboxAsync(Caller caller, ulong seq, CancellationToken cancellationToken)
    {
        var head = await mailboxes.HeadSeqAsync(caller.UserId, cancellationToken);
        if (seq > head)
        {
            throw ChatRequestException.BadRequest($"seq {seq} is beyond the mailbox head {head}");
        }
    }

    private static int PageSize(uint requested) => requested == 0 ? 50 : (int)Math.Min(requested, MaxPageSize);

    /// <summary>The send's own fields (the recipient was checked by <see cref="RequestRules"/>).</summary>
    private void Validate(SendRequest request, DateTimeOffset now)
    {
        MessageText.Check(request.Text, options.MaxTextBytes);
        MessageText.CheckClientMsgId(request.ClientMsgId);

        // Compared in milliseconds: DateTimeOffset cannot hold every int64 (2^63-1 used to throw).
        var deliverAt = request.DeliverAtMs;
        if (deliverAt < 0)
        {
            throw ChatRequestException.BadRequest($"deliver_at_ms {deliverAt} is negative: 0 sends now, otherwise a Unix time in milliseconds");
        }

        if (deliverAt is > 0 and < MinDeliverAtMs)
        {
            throw ChatRequestException.BadRequest(
                $"deliver_at_ms {deliverAt} is before 2001-09-09: a Unix time in milliseconds is expected (seconds given?)");
        }

        if (deliverAt - now.ToUnixTimeMilliseconds() > (long)MaxScheduleAhead.TotalMilliseconds)
        {
            throw ChatRequestException.BadRequest($"deliver_at_ms {deliverAt} is more than {MaxScheduleAhead.TotalDays:0} days ahead");
        }
    }
}
