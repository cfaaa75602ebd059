using ImCells.Cell.Chat;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

/// <summary>The chat listener's one timer for every connection's auth and heartbeat timeouts.</summary>
public sealed class ConnectionTimeoutsTests
{
    private static readonly TimeSpan Auth = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void EachConnection_TimesOutAtItsOwnAuthDeadline_NotBefore()
    {
        var time = new FakeTimeProvider();
        using var timeouts = new ConnectionTimeouts(time, Auth, Idle);
        var first = new Entry();
        var second = new Entry();
        timeouts.Add(first);
        time.Advance(TimeSpan.FromSeconds(3));
        timeouts.Add(second);

        time.Advance(Auth - TimeSpan.FromSeconds(3) - Tick);
        Assert.Equal((0, 0), (first.TimedOut, second.TimedOut));
        time.Advance(Tick);
        Assert.Equal((1, 0), (first.TimedOut, second.TimedOut));
        time.Advance(TimeSpan.FromSeconds(3) - Tick);
        Assert.Equal(0, second.TimedOut);
        time.Advance(Tick);
        Assert.Equal((1, 1), (first.TimedOut, second.TimedOut));
        Assert.Equal(0, timeouts.Count);
    }

    [Fact]
    public void Touch_GivesTheHeartbeatTimeout_FromTheLastTouch()
    {
        var time = new FakeTimeProvider();
        using var timeouts = new ConnectionTimeouts(time, Auth, Idle);
        var entry = new Entry();
        var other = new Entry();
        timeouts.Add(entry);
        timeouts.Add(other);
        time.Advance(TimeSpan.FromSeconds(5));
        timeouts.Touch(entry); // authenticated at 5 s

        time.Advance(Idle - Tick);
        Assert.Equal((0, 1), (entry.TimedOut, other.TimedOut)); // the other never authenticated
        timeouts.Touch(entry); // a frame just in time
        time.Advance(Idle - Tick);
        Assert.Equal(0, entry.TimedOut);
        time.Advance(Tick);
        Assert.Equal(1, entry.TimedOut);
    }

    [Fact]
    public void RemovedConnection_NeverTimesOut_AndATouchAfterwardsDoesNotBringItBack()
    {
        var time = new FakeTimeProvider();
        using var timeouts = new ConnectionTimeouts(time, Auth, Idle);
        var entry = new Entry();
        timeouts.Add(entry);

        timeouts.Remove(entry);
        timeouts.Touch(entry);
        time.Advance(Idle + Idle);

        Assert.Equal(0, entry.TimedOut);
        Assert.Equal(0, timeouts.Count);
    }

    [Fact]
    public void Stop_ClosesEveryConnection_AndEveryLaterOne_WithoutCallingThemTimedOut()
    {
        var time = new FakeTimeProvider();
        using var timeouts = new ConnectionTimeouts(time, Auth, Idle);
        var waiting = new Entry();
        var authenticated = new Entry();
        timeouts.Add(waiting);
        timeouts.Add(authenticated);
        timeouts.Touch(authenticated);

        timeouts.Stop();
        var late = new Entry();
        timeouts.Add(late);
        time.Advance(Idle + Idle);

        Assert.Equal((1, 1, 1), (waiting.Stopped, authenticated.Stopped, late.Stopped));
        Assert.Equal((0, 0, 0), (waiting.TimedOut, authenticated.TimedOut, late.TimedOut));
    }

    private sealed class Entry : TimeoutEntry
    {
        public int TimedOut { get; private set; }

        public int Stopped { get; private set; }

        public override void OnTimedOut() => TimedOut++;

        public override void OnStopped() => Stopped++;
    }
}
