using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

public sealed class RevocationStoreTests : IAsyncLifetime
{
    private const ulong User = 10_000_001;
    private TempHlr? _hlr;
    private RevocationStore _store = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_hlr is not null)
        {
            await _hlr.DisposeAsync();
        }
    }

    [Theory]
    [HlrProviders]
    public async Task LaterRevocation_ReplacesTheEarlier_AnEarlierOneDoesNot(string provider)
    {
        await OpenAsync(provider);
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 200), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 300), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 250), CancellationToken.None);

        var loaded = Assert.Single(await _store.LoadAfterAsync(0, CancellationToken.None));

        Assert.Equal(new TokenRevocationRecord(User, "phone", 300), loaded);
    }

    [Theory]
    [HlrProviders]
    public async Task EveryDevice_DropsTheDeviceRowsItCovers(string provider)
    {
        await OpenAsync(provider);
        await _store.AddAsync(new TokenRevocationRecord(User, "phone", 100), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "tablet", 500), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User + 1, "phone", 100), CancellationToken.None);

        await _store.AddAsync(new TokenRevocationRecord(User, TokenRevocationRecord.AllDevices, 300), CancellationToken.None);

        var loaded = await _store.LoadAfterAsync(0, CancellationToken.None);
        Assert.Equal(
            [(User, "*", 300L), (User, "tablet", 500L), (User + 1, "phone", 100L)],
            loaded.Select(r => (r.UserId, r.DeviceId, r.RevokedAtMs)).Order());
    }

    [Theory]
    [HlrProviders]
    public async Task Load_DeletesWhatIsTooOldToMatter(string provider)
    {
        await OpenAsync(provider);
        await _store.AddAsync(new TokenRevocationRecord(User, "old", 100), CancellationToken.None);
        await _store.AddAsync(new TokenRevocationRecord(User, "new", 101), CancellationToken.None);

        Assert.Equal("new", Assert.Single(await _store.LoadAfterAsync(100, CancellationToken.None)).DeviceId);
        Assert.Equal("new", Assert.Single(await _store.LoadAfterAsync(0, CancellationToken.None)).DeviceId);
    }

    private async Task OpenAsync(string provider)
    {
        _hlr = await TempHlr.CreateAsync(provider);
        _store = new RevocationStore(_hlr.Database);
    }
}
