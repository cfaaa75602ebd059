using ImCells.Registry.Hlr;

namespace ImCells.Cell.Presence;

/// <summary>Writes collected last-seen times every few seconds in one transaction (and once more at stop).</summary>
internal sealed partial class LastSeenFlusher(PresenceTracker tracker, SocialStore social, TimeProvider time, ILogger<LastSeenFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException)
        {
        }

        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        var dirty = tracker.TakeDirty();
        if (dirty.Count == 0)
        {
            return;
        }

        try
        {
            await social.SaveLastSeenAsync(dirty.Select(d => (d.Key, d.Value)).ToList(), CancellationToken.None);
        }
        catch (Exception e)
        {
            FlushFailed(logger, e, dirty.Count);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not write {Count} last-seen times")]
    private static partial void FlushFailed(ILogger logger, Exception exception, int count);
}
