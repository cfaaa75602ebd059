using System.Threading.Channels;
using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Registry.Hlr;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Fires scheduled messages when they are due, through the normal send path. The send uses the
/// client_msg_id "sched:&lt;id&gt;", so a crash between sending and marking it fired cannot send twice.
/// </summary>
internal sealed partial class Scheduler(
    ScheduledStore scheduled,
    MessageRouter router,
    Notifier notifier,
    TimeProvider time,
    ILogger<Scheduler> logger) : BackgroundService
{
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var entry in await scheduled.DueAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), 100, stoppingToken))
                {
                    await FireAsync(entry, stoppingToken);
                }

                var next = await scheduled.NextDueAsync(stoppingToken);
                var sleep = next is null ? MaxSleep : TimeSpan.FromMilliseconds(Math.Clamp(next.Value - time.GetUtcNow().ToUnixTimeMilliseconds(), 1, MaxSleep.TotalMilliseconds));
                using var timeout = new CancellationTokenSource(sleep, time);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
                await _wake.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // the sleep ended
            }
            catch (Exception e)
            {
                PassFailed(logger, e);
                await Task.Delay(MaxSleep, time, stoppingToken);
            }
        }
    }

    private async Task FireAsync(ScheduledEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var result = await router.SendAsync(entry.Sender, entry.To, entry.Text, "sched:" + entry.Id, sendingDevice: "", cancellationToken);
            Fired(logger, entry.Id, entry.Sender, entry.To, result.MessageId);
        }
        catch (ChatRequestException e)
        {
            notifier.SendFailed(entry.Sender, "", entry.To, e.Code, $"scheduled message {entry.Id}: {e.Message}");
            Refused(logger, entry.Id, e.Message);
        }

        await scheduled.MarkFiredAsync(entry.Id, CancellationToken.None);
    }

    [LoggerMessage(1, LogLevel.Information, "Scheduled {Id} fired: {Sender} -> {To} as {MessageId}")]
    private static partial void Fired(ILogger logger, string id, ulong sender, ulong to, string messageId);

    [LoggerMessage(2, LogLevel.Warning, "Scheduled {Id} refused: {Reason}")]
    private static partial void Refused(ILogger logger, string id, string reason);

    [LoggerMessage(3, LogLevel.Error, "Scheduler pass failed; retrying")]
    private static partial void PassFailed(ILogger logger, Exception exception);
}
