namespace ImCells.Unit.Tests.Hlr;

public sealed class AccountStoreTests
{
    [Theory]
    [HlrProviders]
    public async Task ConcurrentRegistrations_NeverShareANumber(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);

        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => hlr.AddUserAsync($"u{i}"))));

        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 40).Select(i => 10_000_000UL + (ulong)i), ids.Order());
    }

    [Theory]
    [HlrProviders]
    public async Task FullRange_IsSkipped_AndAllFullReturnsNull(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        (ulong, ulong)[] ranges = [(100, 101), (200, 200)];

        var got = new List<ulong?>();
        for (var i = 0; i < 4; i++)
        {
            got.Add((await hlr.Accounts.RegisterAsync($"u{i}", "pw", ranges, CancellationToken.None))?.Id);
        }

        Assert.Equal([100UL, 101UL, 200UL, null], got);
    }

    [Theory]
    [HlrProviders]
    public async Task Authenticate_RightPasswordOnly(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var id = await hlr.AddUserAsync("alice");

        Assert.Equal("alice", (await hlr.Accounts.AuthenticateAsync(id, "pw", CancellationToken.None))?.Name);
        Assert.Null(await hlr.Accounts.AuthenticateAsync(id, "wrong", CancellationToken.None));
        Assert.Null(await hlr.Accounts.AuthenticateAsync(id + 1, "pw", CancellationToken.None));
    }
}
