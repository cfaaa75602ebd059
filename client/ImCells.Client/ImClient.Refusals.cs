using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// Whether the recipient refused a message this client sent. The recipient's own cell decides:
/// for a recipient of the sender's cell the SendFailed comes before the ack, so the answer is
/// there at once; for one of another cell it comes when the outbox has delivered (usually within
/// a second), and nothing comes when the message was stored, so that case waits to the end.
/// </summary>
public sealed partial class ImClient
{
    /// <summary>
    /// The refusal of the message <paramref name="ack"/> acknowledged, or null when it was stored or
    /// no refusal came within <paramref name="wait"/>. Reads (and drops other entries of) <see cref="Failures"/>.
    /// </summary>
    public async Task<SendFailed?> WaitRefusalAsync(SendAck ack, TimeSpan wait, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (ack.MessageId.Length == 0 || (ack.OwnCopyInAck && !ack.Forwarded))
        {
            // Scheduled, or stored by the recipient's cell (this one): nothing can follow.
            return null;
        }

        using var until = CancellationTokenSource.CreateLinkedTokenSource(ct);
        until.CancelAfter(wait);
        try
        {
            while (await _failures.Reader.WaitToReadAsync(until.Token))
            {
                while (_failures.Reader.TryRead(out var failed))
                {
                    if (failed.MessageId == ack.MessageId)
                    {
                        return failed;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // No refusal within the wait: stored, or still on its way to a cell that is down.
        }

        return null;
    }
}
