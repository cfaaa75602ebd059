using ImCells.Cell.Chat;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

public sealed class RequestRateTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void BurstOfTwiceTheRate_IsAllowedThenRefused()
    {
        var rate = new RequestRate(10, _time);

        for (var i = 0; i < 20; i++)
        {
            Assert.True(rate.TryTake(), $"request {i + 1} of the burst");
        }

        Assert.False(rate.TryTake());
        Assert.False(rate.TryTake());
    }

    [Fact]
    public void ClockStandingStill_RefillsNothing()
    {
        var rate = Drained(10);

        for (var i = 0; i < 100; i++)
        {
            Assert.False(rate.TryTake());
        }
    }

    [Fact]
    public void FakeTimeAdvancing_RefillsAtTheRate()
    {
        // 8 a second: one token every 125 ms (sixteenths of a second keep the arithmetic exact).
        var rate = Drained(8);

        _time.Advance(TimeSpan.FromMilliseconds(62.5));
        Assert.False(rate.TryTake()); // half a token

        _time.Advance(TimeSpan.FromMilliseconds(62.5));
        Assert.True(rate.TryTake());
        Assert.False(rate.TryTake());

        _time.Advance(TimeSpan.FromMilliseconds(312.5)); // 2.5 tokens
        Assert.True(rate.TryTake());
        Assert.True(rate.TryTake());
        Assert.False(rate.TryTake());

        _time.Advance(TimeSpan.FromMilliseconds(62.5)); // the half token left plus half a token
        Assert.True(rate.TryTake());
        Assert.False(rate.TryTake());
    }

    [Fact]
    public void LongIdle_RefillsNoMoreThanTheBurst()
    {
        var rate = Drained(10);

        _time.Advance(TimeSpan.FromHours(1));

        for (var i = 0; i < 20; i++)
        {
            Assert.True(rate.TryTake());
        }

        Assert.False(rate.TryTake());
    }

    [Fact]
    public void SteadyRequestsAtTheRate_AreAllAllowed()
    {
        var rate = Drained(4);

        for (var i = 0; i < 1000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            Assert.True(rate.TryTake(), $"request {i + 1} at the rate");
        }

        Assert.False(rate.TryTake());
    }

    [Fact]
    public void ZeroRate_IsOff()
    {
        var rate = new RequestRate(0, _time);

        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(rate.TryTake());
        }
    }

    private RequestRate Drained(int perSecond)
    {
        var rate = new RequestRate(perSecond, _time);
        while (rate.TryTake())
        {
        }

        return rate;
    }
}
