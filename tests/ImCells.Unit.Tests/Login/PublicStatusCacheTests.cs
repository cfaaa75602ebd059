using ImCells.Login;
using ImCells.Protos.Login;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ImCells.Unit.Tests.Login;

public sealed class PublicStatusCacheTests
{
    [Fact]
    public async Task AskersWithinASecond_ShareOneAnswer_ThenTheCellsAreAskedAgain()
    {
        var time = new FakeTimeProvider();
        var cache = new PublicStatusCache(time);
        var asked = 0;
        Task<StatusReply> Ask() => Task.FromResult(new StatusReply { TopologyVersion = (ulong)Interlocked.Increment(ref asked) });

        var first = await cache.GetAsync(Ask);
        time.Advance(TimeSpan.FromMilliseconds(900));
        var second = await cache.GetAsync(Ask);
        time.Advance(TimeSpan.FromMilliseconds(200));
        var third = await cache.GetAsync(Ask);

        Assert.Equal(1UL, first.TopologyVersion);
        Assert.Same(first, second);
        Assert.Equal(2UL, third.TopologyVersion);
        Assert.Equal(2, asked);
    }

    [Fact]
    public async Task AFailedAnswer_IsNotShared()
    {
        var cache = new PublicStatusCache(new FakeTimeProvider());
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync(() => Task.FromException<StatusReply>(new InvalidOperationException("cell call failed"))));

        var next = await cache.GetAsync(() => Task.FromResult(new StatusReply { TopologyVersion = 7 }));

        Assert.Equal(7UL, next.TopologyVersion);
    }

    [Fact]
    public async Task ConcurrentAskers_ShareTheCallInFlight()
    {
        var cache = new PublicStatusCache(new FakeTimeProvider());
        var pending = new TaskCompletionSource<StatusReply>();
        var asked = 0;
        Task<StatusReply> Ask()
        {
            Interlocked.Increment(ref asked);
            return pending.Task;
        }

        var a = cache.GetAsync(Ask);
        var b = cache.GetAsync(Ask);
        pending.SetResult(new StatusReply { TopologyVersion = 3 });

        Assert.Same(await a, await b);
        Assert.Equal(1, asked);
    }
}
