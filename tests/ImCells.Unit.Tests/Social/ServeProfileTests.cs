using ImCells.Cell;
using ImCells.Cell.Social;
using ImCells.Protos.Cell;
using ImCells.Registry.Hlr;
using ImCells.Unit.Tests.Hlr;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Social;

/// <summary>
/// The home cell's side of GetProfile, against a real SQLite HLR: only a cell that caches the
/// profile (watch) is remembered for invalidation; an existence check before a send is not.
/// </summary>
public sealed class ServeProfileTests
{
    [Fact]
    public async Task ExistenceCheck_DoesNotSubscribeTheAskingCell_ProfileReadDoes()
    {
        await using var hlr = await TempHlr.CreateAsync();
        var bob = await hlr.AddUserAsync("bob");
        var store = new SocialStore(hlr.Database);
        var social = HomeSideOnly(store);

        var check = await social.ServeProfileAsync(new GetProfileRequest { UserId = bob, FromCell = "b", Watch = false }, CancellationToken.None);
        Assert.True(check.Exists);
        Assert.Empty(await store.WatchersAsync(bob, CancellationToken.None));

        var read = await social.ServeProfileAsync(new GetProfileRequest { UserId = bob, FromCell = "b", Watch = true }, CancellationToken.None);
        Assert.Equal("bob", read.Profile.Name);
        Assert.Equal(["b"], await store.WatchersAsync(bob, CancellationToken.None));
    }

    [Fact]
    public async Task UnknownNumber_DoesNotExist_AndSubscribesNobody()
    {
        await using var hlr = await TempHlr.CreateAsync();
        var store = new SocialStore(hlr.Database);

        var reply = await HomeSideOnly(store).ServeProfileAsync(
            new GetProfileRequest { UserId = 10_000_999, FromCell = "b", Watch = true }, CancellationToken.None);

        Assert.False(reply.Exists);
        Assert.Empty(await store.WatchersAsync(10_000_999, CancellationToken.None));
    }

    // Serving a profile uses the store and the cell's id only; the rest of the service is not wired.
    private static SocialService HomeSideOnly(SocialStore store) =>
        new(new CellIdentity("a"), null!, null!, store, null!, null!, null!, null!, null!, null!, TimeProvider.System, NullLogger<SocialService>.Instance);
}
