using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

public sealed class RevocationStoreTests : IAsyncLifetime
{
    private const ulong User = 10_000_001;
    private TempHlr _hlr = null!;
    private RevocationStore _store = null!;

    public async Task InitializeAsync()
    {
        _hlr = await TempHlr.CreateAsync();
        _store = new RevocationStore(_hlr.Database);
    }

    public async Task DisposeAsync() => await _hlr.DisposeAsync();

    [Fact]
    public async Task LaterRevocation_ReplacesTheEarlier_AnEarlierOneDoesNot()
    {
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 200), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 300), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 250), CancellationToken.None);

        var loaded = Assert.Single(await _store.LoadAfterAsync(0, CancellationToken.None));

        Assert.Equal(new TokenRevocationRecord(User, "phone", 300), loaded);
    }

    [Fact]
    public async Task EveryDevice_DropsTheDeviceRowsItCovers()
    {
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 100), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "tablet", 500), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User + 1, "phone", 100), CancellationToken.None);

        await _store.AddAsync(new TokenRevocationRecord(User, TokenRevocationRecord.AllDevices, 300), CancellationToken.None);

        var loaded = await _store.LoadAfterAsync(0, CancellationToken.None);
        Assert.Equal(
            [(User, "*", 300L), (User, "tablet", 500L), (User + 1, "phone", 100L)],
            loaded.Select(r => (r.UserId, r.DeviceId, r.RevokedAtMs)).Order());
    }

    [Fact]
    public async Task Load_DeletesWhatIsTooOldToMatter()
    {
        await _store.AddAsync(new TokenRevocationRecord(User, "old", 100), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "new", 101), CancellationToken.None);

        Assert.Equal("new", Assert.Single(await _store.LoadAfterAsync(100, CancellationToken.None)).DeviceId);
        Assert.Equal("new", Assert.Single(await _store.LoadAfterAsync(0, CancellationToken.None)).DeviceId);
    }
}
