using ImCells.Cell.Chat;
using ImCells.Registry.Hlr;
using ImCells.Server.Security;
using ImCells.Unit.Tests.Hlr;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

public sealed class TokenRevocationsTests : IAsyncLifetime
{
    private const ulong User = 10_000_001;
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private readonly TokenOptions _options = new() { MaxAgeHours = 24 };
    private TempHlr _hlr = null!;
    private TokenRevocations _revocations = null!;

    public async Task InitializeAsync()
    {
        _hlr = await TempHlr.CreateAsync();
        _revocations = New();
    }

    public async Task DisposeAsync() => await _hlr.DisposeAsync();

    [Fact]
    public async Task OneDevice_RefusesItsTokensIssuedUpToThen_Only()
    {
        var before = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(1));
        var at = _time.GetUtcNow();

        await _revocations.RevokeAsync(User, "phone", at.ToUnixTimeMilliseconds(), CancellationToken.None);

        Assert.True(_revocations.IsRevoked(User, "phone", before));
        Assert.True(_revocations.IsRevoked(User, "phone", at));
        Assert.False(_revocations.IsRevoked(User, "phone", at.AddMilliseconds(1)));
        Assert.False(_revocations.IsRevoked(User, "tablet", before));
        Assert.False(_revocations.IsRevoked(User + 1, "phone", before));
    }

    [Fact]
    public async Task EveryDevice_RefusesEachDevicesEarlierTokens()
    {
        var at = _time.GetUtcNow();

        var recorded = await _revocations.RevokeAsync(User, null, at.ToUnixTimeMilliseconds(), CancellationToken.None);

        Assert.Equal(TokenRevocationRecord.AllDevices, recorded);
        Assert.True(_revocations.IsRevoked(User, "phone", at));
        Assert.True(_revocations.IsRevoked(User, "anything", at.AddHours(-1)));
        Assert.False(_revocations.IsRevoked(User, "phone", at.AddMilliseconds(1)));
    }

    [Fact]
    public async Task Revocations_SurviveARestart()
    {
        var at = _time.GetUtcNow();
        await _revocations.RevokeAsync(User, "phone", at.ToUnixTimeMilliseconds(), CancellationToken.None);
        await _revocations.RevokeAsync(User + 1, null, at.ToUnixTimeMilliseconds(), CancellationToken.None);

        var restarted = New();
        await restarted.LoadAsync(CancellationToken.None);

        Assert.True(restarted.IsRevoked(User, "phone", at));
        Assert.False(restarted.IsRevoked(User, "tablet", at));
        Assert.True(restarted.IsRevoked(User + 1, "tablet", at));
    }

    [Fact]
    public async Task RevocationOlderThanTheMaxTokenAge_IsForgotten_InMemoryAndInTheHlr()
    {
        await _revocations.RevokeAsync(User, "phone", _time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(24));

        // Any token it covers is refused as too old by now; the newer logout makes the sweep run.
        await _revocations.RevokeAsync(User + 1, "phone", _time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
        Assert.Equal(1, _revocations.Users);

        var restarted = New();
        await restarted.LoadAsync(CancellationToken.None);
        Assert.Equal(1, restarted.Users);
        Assert.False(restarted.IsRevoked(User, "phone", Start));
    }

    [Fact]
    public async Task TooManyDevices_BecomeEveryDevice()
    {
        var at = _time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < TokenRevocations.MaxDevicesPerUser; i++)
        {
            Assert.Equal($"d{i}", await _revocations.RevokeAsync(User, $"d{i}", at, CancellationToken.None));
        }

        Assert.False(_revocations.IsRevoked(User, "other", Start));
        Assert.Equal("d0", await _revocations.RevokeAsync(User, "d0", at + 1, CancellationToken.None));

        Assert.Equal(TokenRevocationRecord.AllDevices, await _revocations.RevokeAsync(User, "one-too-many", at + 2, CancellationToken.None));
        Assert.True(_revocations.IsRevoked(User, "other", Start));
        var rows = await new RevocationStore(_hlr.Database).LoadAfterAsync(0, CancellationToken.None);
        Assert.Equal((TokenRevocationRecord.AllDevices, at + 2), (Assert.Single(rows).DeviceId, Assert.Single(rows).RevokedAtMs));
    }

    private TokenRevocations New() => new(new RevocationStore(_hlr.Database), _options, _time);
}
