using System.Net;
using ImCells.Login;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Login;

public sealed class SourceRateLimiterTests
{
    private static readonly IPAddress A = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress B = IPAddress.Parse("192.0.2.2");
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Burst_ThenRefused_WithTheWaitForTheNextToken()
    {
        var limiter = new SourceRateLimiter(perSecond: 0.5, burst: 3, maxSources: 10, _time);

        var taken = Enumerable.Range(0, 3).Select(i => limiter.TryTake(A, out _)).ToList();
        var refused = !limiter.TryTake(A, out var retryAfter);

        Assert.Equal([true, true, true], taken);
        Assert.True(refused);
        Assert.Equal(TimeSpan.FromSeconds(2), retryAfter);
    }

    [Fact]
    public void Tokens_ComeBackAtTheRate_UpToTheBurst()
    {
        var limiter = new SourceRateLimiter(perSecond: 1, burst: 2, maxSources: 10, _time);
        Assert.True(limiter.TryTake(A, out _));
        Assert.True(limiter.TryTake(A, out _));
        Assert.False(limiter.TryTake(A, out _));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryTake(A, out _));
        Assert.False(limiter.TryTake(A, out _));

        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(i => limiter.TryTake(A, out _)));
    }

    [Fact]
    public void EachSource_HasItsOwnBucket()
    {
        var limiter = new SourceRateLimiter(perSecond: 1, burst: 1, maxSources: 10, _time);

        Assert.True(limiter.TryTake(A, out _));
        Assert.False(limiter.TryTake(A, out _));
        Assert.True(limiter.TryTake(B, out _));
    }

    [Fact]
    public void Ipv6_CountsPerSlash64_AndMappedIpv4AsIpv4()
    {
        var limiter = new SourceRateLimiter(perSecond: 1, burst: 1, maxSources: 10, _time);

        Assert.True(limiter.TryTake(IPAddress.Parse("2001:db8:1:2::1"), out _));
        Assert.False(limiter.TryTake(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff"), out _));
        Assert.True(limiter.TryTake(IPAddress.Parse("2001:db8:1:3::1"), out _));

        Assert.True(limiter.TryTake(A, out _));
        Assert.False(limiter.TryTake(A.MapToIPv6(), out _));
    }

    [Fact]
    public void Off_WhenTheRateIsZero()
    {
        var limiter = new SourceRateLimiter(perSecond: 0, burst: 1, maxSources: 10, _time);

        Assert.All(Enumerable.Range(0, 1000), i => Assert.True(limiter.TryTake(A, out _)));
        Assert.Equal(0, limiter.Count);
    }

    [Fact]
    public void FullTable_NewSourcesShareOneBucket_MemoryStaysBounded()
    {
        var limiter = new SourceRateLimiter(perSecond: 0.001, burst: 2, maxSources: 100, _time);
        for (var i = 0; i < 100; i++)
        {
            Assert.True(limiter.TryTake(Address(i), out _));
        }

        // 1 000 more sources: none gets a bucket of its own; together they get one burst.
        var overflow = Enumerable.Range(100, 1000).Count(i => limiter.TryTake(Address(i), out _));

        Assert.Equal(2, overflow);
        Assert.Equal(101, limiter.Count);
    }

    [Fact]
    public void FullTable_RefilledBucketsMakeRoom()
    {
        var limiter = new SourceRateLimiter(perSecond: 1, burst: 2, maxSources: 100, _time);
        for (var i = 0; i < 100; i++)
        {
            limiter.TryTake(Address(i), out _);
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        var newcomers = Enumerable.Range(100, 50).Count(i => limiter.TryTake(Address(i), out _) && limiter.TryTake(Address(i), out _));

        Assert.Equal(50, newcomers);
        Assert.Equal(50, limiter.Count);
    }

    private static IPAddress Address(int i) => new([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
}
