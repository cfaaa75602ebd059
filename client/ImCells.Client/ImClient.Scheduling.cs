using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// Scheduled sends: the server keeps the message and sends it at the given time through the
/// normal path, so it then lands in this user's mailbox like any sent message.
/// </summary>
public sealed partial class ImClient
{
    /// <summary>
    /// Stores a message to be sent at <paramref name="at"/>. The ack carries schedule_id and
    /// deliver_at_ms; message_id and seq stay empty until it is sent. A time already past is sent now.
    /// </summary>
    public async Task<SendAck> ScheduleAsync(
        ulong to, string text, DateTimeOffset at, string? clientMsgId = null, CancellationToken ct = default)
    {
        var deliverAtMs = at.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deliverAtMs, nameof(at));
        var request = new SendRequest
        {
            To = to,
            Text = text,
            ClientMsgId = clientMsgId ?? Guid.NewGuid().ToString("N"),
            DeliverAtMs = deliverAtMs,
        };
        return await Current().SendAsync(request, ct);
    }

    /// <summary>This user's messages still waiting for their time, by deliver time (every page of them).</summary>
    public async Task<IReadOnlyList<ScheduledMessage>> ListScheduledAsync(CancellationToken ct = default)
    {
        var all = new List<ScheduledMessage>();
        var request = new ListScheduledRequest();
        while (true)
        {
            var page = await Current().ListScheduledAsync(request, ct);
            all.AddRange(page.Items);
            if (!page.HasMore || page.Items.Count == 0)
            {
                return all;
            }

            request = new ListScheduledRequest { AfterDeliverAtMs = page.Items[^1].DeliverAtMs, AfterScheduleId = page.Items[^1].ScheduleId };
        }
    }

    /// <summary>Drops a scheduled message before it is sent.</summary>
    /// <exception cref="ImClientException">NOT_FOUND when there is no such schedule (or it was already sent).</exception>
    public Task CancelScheduledAsync(string scheduleId, CancellationToken ct = default) =>
        Current().CancelScheduledAsync(scheduleId, ct);
}
