using ImCells.Cell.Delivery;
using ImCells.Registry.Hlr;
using ImCells.Unit.Tests.Hlr;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Delivery;

public sealed class VisitorLocationsTests : IAsyncLifetime
{
    private const ulong User = 10_000_001;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(90);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private TempHlr _hlr = null!;
    private VisitorLocations _locations = null!;

    public async Task InitializeAsync()
    {
        _hlr = await TempHlr.CreateAsync();
        _locations = new VisitorLocations(new LocationStore(_hlr.Database), _time);
    }

    public async Task DisposeAsync() => await _hlr.DisposeAsync();

    [Fact]
    public async Task NotRefreshed_IsStaleOnlyPastTheTtl()
    {
        await AttachAsync("phone", "b");

        _time.Advance(Ttl);
        Assert.Empty(_locations.Stale(Ttl));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var stale = Assert.Single(_locations.Stale(Ttl));
        Assert.Equal((User, "phone", "b"), (stale.UserId, stale.DeviceId, stale.ServingCell));
    }

    [Fact]
    public async Task RefreshFromTheServingCell_RestartsTheTtl()
    {
        await AttachAsync("phone", "b");
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Empty(_locations.Refresh("b", [(User, "phone")]));

        _time.Advance(Ttl);
        Assert.Empty(_locations.Stale(Ttl));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(_locations.Stale(Ttl));
    }

    [Fact]
    public async Task RefreshFromAnotherCell_DoesNotKeepItAlive_AndAsksForAnAttach()
    {
        await AttachAsync("phone", "b");
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Equal([(User, "phone")], _locations.Refresh("c", [(User, "phone")]));

        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Single(_locations.Stale(Ttl));
    }

    [Fact]
    public async Task OnlyTheSilentDevice_GoesStale()
    {
        await AttachAsync("phone", "b");
        await AttachAsync("tablet", "c");
        _time.Advance(TimeSpan.FromSeconds(60));
        _locations.Refresh("c", [(User, "tablet")]);

        _time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal("phone", Assert.Single(_locations.Stale(Ttl)).DeviceId);
    }

    [Fact]
    public async Task LocationsLoadedAfterARestart_GetAFullTtl()
    {
        await AttachAsync("phone", "b");
        _time.Advance(TimeSpan.FromHours(1));

        var restarted = new VisitorLocations(new LocationStore(_hlr.Database), _time);
        await restarted.LoadAsync(CancellationToken.None);

        Assert.True(restarted.IsAttached(User, "phone", "b"));
        _time.Advance(Ttl);
        Assert.Empty(restarted.Stale(Ttl));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Single(restarted.Stale(Ttl));
    }

    [Fact]
    public async Task StaleLocationDetached_IsGone()
    {
        await AttachAsync("phone", "b");
        _time.Advance(Ttl + TimeSpan.FromMilliseconds(1));
        var stale = Assert.Single(_locations.Stale(Ttl));

        Assert.True(await _locations.DetachAsync(stale.UserId, stale.DeviceId, stale.ServingCell, CancellationToken.None));

        Assert.Empty(_locations.Stale(Ttl));
        Assert.False(_locations.HasAny);
    }

    private Task<bool> AttachAsync(string device, string servingCell) =>
        _locations.AttachAsync(new DeviceLocationRecord(User, device, servingCell, "127.0.0.1:1", _time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None);
}
