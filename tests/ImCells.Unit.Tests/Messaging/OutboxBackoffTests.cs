using ImCells.Cell.Messaging;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Messaging;

public sealed class OutboxBackoffTests
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();
    private readonly OutboxBackoff _backoff;

    public OutboxBackoffTests() => _backoff = new OutboxBackoff(_time);

    [Fact]
    public void NoFailure_IsNotWaiting()
    {
        Assert.False(_backoff.IsWaiting("b"));
        Assert.False(_backoff.RecordSuccess("b"));
    }

    [Fact]
    public void FirstFailure_WaitsTwoHundredMillisecondsOfFakeTime()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(200), _backoff.RecordFailure("b"));
        Assert.True(_backoff.IsWaiting("b"));

        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.True(_backoff.IsWaiting("b"));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(_backoff.IsWaiting("b"));
    }

    [Fact]
    public void RepeatedFailures_DoubleUpToFiveSeconds()
    {
        var delays = new List<double>();
        for (var i = 0; i < 12; i++)
        {
            delays.Add(_backoff.RecordFailure("b").TotalMilliseconds);
            _time.Advance(TimeSpan.FromMilliseconds(delays[^1])); // the retry comes due and fails again
            Assert.False(_backoff.IsWaiting("b"));
        }

        Assert.Equal([200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000, 5000, 5000, 5000], delays);
        Assert.Equal(OutboxBackoff.MaxBackoff, TimeSpan.FromMilliseconds(delays[^1]));
    }

    [Fact]
    public void Success_ClearsTheBackoff_AndTheScheduleStartsOver()
    {
        _backoff.RecordFailure("b");
        _backoff.RecordFailure("b");
        _backoff.RecordFailure("b");

        Assert.True(_backoff.RecordSuccess("b"));

        Assert.False(_backoff.IsWaiting("b"));
        Assert.False(_backoff.RecordSuccess("b"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), _backoff.RecordFailure("b"));
    }

    [Fact]
    public void Targets_BackOffIndependently()
    {
        _backoff.RecordFailure("b");
        _backoff.RecordFailure("b");
        _backoff.RecordFailure("c");

        _time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.True(_backoff.IsWaiting("b"));
        Assert.False(_backoff.IsWaiting("c"));
        Assert.False(_backoff.IsWaiting("d"));
    }

    [Fact]
    public void NextWait_IsTheSoonestRetry_BetweenTenMillisecondsAndTheIdlePoll()
    {
        Assert.Equal(IdlePoll, _backoff.NextWait(IdlePoll));

        for (var i = 0; i < 5; i++)
        {
            _backoff.RecordFailure("slow"); // 3.2 s
        }

        Assert.Equal(IdlePoll, _backoff.NextWait(IdlePoll));

        _backoff.RecordFailure("b"); // 200 ms
        Assert.Equal(TimeSpan.FromMilliseconds(200), _backoff.NextWait(IdlePoll));

        _time.Advance(TimeSpan.FromMilliseconds(150));
        Assert.Equal(TimeSpan.FromMilliseconds(50), _backoff.NextWait(IdlePoll));

        _time.Advance(TimeSpan.FromMilliseconds(45));
        Assert.Equal(TimeSpan.FromMilliseconds(10), _backoff.NextWait(IdlePoll));

        _time.Advance(TimeSpan.FromSeconds(1)); // overdue: still a short sleep, never a negative one
        Assert.Equal(TimeSpan.FromMilliseconds(10), _backoff.NextWait(IdlePoll));
    }
}
