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

    [Fact]
    public async Task LoggedOutDevice_IsCancelled_OthersStay()
    {
        await AttachAsync("phone", "b");
        await AttachAsync("tablet", "c");

        var cancelled = Assert.Single(await _locations.CancelLoggedOutAsync(User, "phone", CancellationToken.None));

        Assert.Equal(("phone", "b"), (cancelled.DeviceId, cancelled.ServingCell));
        Assert.False(_locations.IsAttached(User, "phone", "b"));
        Assert.True(_locations.IsAttached(User, "tablet", "c"));
        Assert.Equal(["tablet"], (await new LocationStore(_hlr.Database).AllAsync(CancellationToken.None)).Select(l => l.DeviceId));
    }

    [Fact]
    public async Task LogoutOfEveryDevice_CancelsThemAll()
    {
        await AttachAsync("phone", "b");
        await AttachAsync("tablet", "c");

        var cancelled = await _locations.CancelLoggedOutAsync(User, null, CancellationToken.None);

        Assert.Equal(["phone", "tablet"], cancelled.Select(l => l.DeviceId).Order());
        Assert.False(_locations.HasAny);
    }

    [Fact]
    public async Task RefreshAfterALogout_DoesNotBringTheLocationBack_AnAttachDoes()
    {
        await AttachAsync("phone", "b");
        await _locations.CancelLoggedOutAsync(User, "phone", CancellationToken.None);

        // A refresh the serving cell sent before it closed the session.
        Assert.Empty(_locations.Refresh("b", [(User, "phone")]));
        Assert.False(_locations.IsAttached(User, "phone", "b"));

        Assert.True(await AttachAsync("phone", "b"));
        Assert.True(_locations.IsAttached(User, "phone", "b"));
    }

    [Fact]
    public async Task OnceTheServingCellStopsNamingIt_ALoggedOutDeviceMayBeRefreshedBackAgain()
    {
        // E.g. a new session of the device attached while home was restarting: refreshes attach it.
        await AttachAsync("phone", "b");
        await _locations.CancelLoggedOutAsync(User, "phone", CancellationToken.None);
        _locations.Refresh("b", []);

        Assert.Equal([(User, "phone")], _locations.Refresh("b", [(User, "phone")]));
    }

    private Task<bool> AttachAsync(string device, string servingCell) =>
        _locations.AttachAsync(new DeviceLocationRecord(User, device, servingCell, "127.0.0.1:1", _time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None);
}
