using ImCells.Registry.Hlr;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Hlr;

public sealed class LoginFailureStoreTests
{
    private static readonly LoginFailurePolicy Policy = new(5, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(15), TimeSpan.FromHours(1));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    [Theory]
    [HlrProviders]
    public async Task TwoHundredAttemptsAtOnce_OnlyFailuresBeforeLockAdmitted(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new LoginFailureStore(hlr.Database, Policy, _time);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => store.ReserveAsync(10_000_000, CancellationToken.None))));

        Assert.Equal(5, attempts.Count(a => a.Admitted));
        Assert.Single(attempts, a => a.Locks);
        Assert.All(attempts.Where(a => !a.Admitted), a => Assert.Equal(60_000, a.LockedMs));
        Assert.Equal(5, (await store.FindAsync(10_000_000, CancellationToken.None))?.Failures);
    }

    [Theory]
    [HlrProviders]
    public async Task Lock_EndsAfterItsTime_ThenTheNextFailureLocksLonger(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new LoginFailureStore(hlr.Database, Policy, _time);
        for (var i = 0; i < 5; i++)
        {
            Assert.True((await store.ReserveAsync(7, CancellationToken.None)).Admitted);
        }

        _time.Advance(TimeSpan.FromSeconds(59));
        var stillLocked = await store.ReserveAsync(7, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        var next = await store.ReserveAsync(7, CancellationToken.None);

        Assert.Equal(new LoginAttempt(false, 1_000, stillLocked.State), stillLocked);
        Assert.True(next.Admitted);
        Assert.Equal(120_000, next.State.LockedUntilMs - next.State.LastFailureMs);
    }

    [Theory]
    [HlrProviders]
    public async Task Clear_ForgetsTheCountAndTheLock(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new LoginFailureStore(hlr.Database, Policy, _time);
        for (var i = 0; i < 5; i++)
        {
            await store.ReserveAsync(7, CancellationToken.None);
        }

        await store.ClearAsync(7, CancellationToken.None);

        Assert.Null(await store.FindAsync(7, CancellationToken.None));
        Assert.Equal(1, (await store.ReserveAsync(7, CancellationToken.None)).State.Failures);
    }

    [Theory]
    [HlrProviders]
    public async Task EachNumberHasItsOwnCount(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new LoginFailureStore(hlr.Database, Policy, _time);
        for (var i = 0; i < 5; i++)
        {
            await store.ReserveAsync(7, CancellationToken.None);
        }

        Assert.False((await store.ReserveAsync(7, CancellationToken.None)).Admitted);
        Assert.True((await store.ReserveAsync(8, CancellationToken.None)).Admitted);
    }

    [Theory]
    [HlrProviders]
    public async Task Purge_DropsOnlyWhatThePolicyHasForgotten(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new LoginFailureStore(hlr.Database, Policy, _time);
        await store.ReserveAsync(1, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(50));
        await store.ReserveAsync(2, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(20));

        Assert.Equal(1, await store.PurgeAsync(CancellationToken.None));
        Assert.Null(await store.FindAsync(1, CancellationToken.None));
        Assert.NotNull(await store.FindAsync(2, CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task RegisteringANumber_ForgetsGuessesMadeAtItBefore(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var store = new LoginFailureStore(hlr.Database, Policy, _time);
        for (var i = 0; i < 5; i++)
        {
            await store.ReserveAsync(10_000_000, CancellationToken.None);
        }

        var id = await hlr.AddUserAsync("new owner");

        Assert.Equal(10_000_000UL, id);
        Assert.Null(await store.FindAsync(id, CancellationToken.None));
    }
}
