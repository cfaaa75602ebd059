using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Messaging;

/// <summary>
/// A fake clock that also tells the test each time the code under test creates a timer (starts a
/// sleep), so the test moves the clock only once that code is waiting on it.
/// </summary>
internal sealed class SleepWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _sleeps = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _sleeps.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer the code under test creates; returns how long it sleeps.</summary>
    public async Task<TimeSpan> NextSleepAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        return await _sleeps.Reader.ReadAsync(timeout.Token);
    }
}
