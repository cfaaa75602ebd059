using ImCells.Cell;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;
using ImCells.Registry.Hlr;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Unit.Tests.Hlr;
using ImCells.Unit.Tests.Topology;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ImCells.Unit.Tests.Chat;

/// <summary>The one token check of the chat port (and of tokens forwarded home), with logouts.</summary>
public sealed class ChatTokensTests : IAsyncLifetime
{
    private const ulong Alice = 10_000_001; // homed in cell a
    private const ulong Bob = 11_000_001;   // homed in cell b
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly TopologyCache _topology = FixedTopology.Of(TopologyJson.Map(TopologyJson.TwoCells()));

    private TempHlr _hlr = null!;
    private TokenService _tokens = null!;
    private TokenRevocations _revocations = null!;

    public async Task InitializeAsync()
    {
        _hlr = await TempHlr.CreateAsync();
        _tokens = new TokenService(Key, _time);
        _revocations = new TokenRevocations(new RevocationStore(_hlr.Database), new TokenOptions(), _time);
    }

    public async Task DisposeAsync()
    {
        _topology.Dispose();
        await _hlr.DisposeAsync();
    }

    [Fact]
    public async Task TokenIssuedBeforeALogoutOfItsDevice_IsRefused_ANewerOneAndOtherDevicesPass()
    {
        var cell = new ChatTokens(_tokens, _topology, new CellIdentity("a"), _revocations);
        var phone = Auth(Alice, "phone", "a", "a");
        var tablet = Auth(Alice, "tablet", "a", "a");
        _time.Advance(TimeSpan.FromMinutes(1));

        await _revocations.RevokeAsync(Alice, "phone", _time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);

        var e = Assert.Throws<ChatRequestException>(() => cell.Verify(phone, "a"));
        Assert.Equal(ErrorCode.BadToken, e.Code);
        Assert.Equal("token was revoked; log in again", e.Message);
        Assert.Equal(Alice, cell.Verify(tablet, "a").UserId);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("phone", cell.Verify(Auth(Alice, "phone", "a", "a"), "a").DeviceId);
    }

    [Fact]
    public async Task LogoutOfEveryDevice_RefusesEachDevicesToken()
    {
        var cell = new ChatTokens(_tokens, _topology, new CellIdentity("a"), _revocations);
        var phone = Auth(Alice, "phone", "a", "a");
        var tablet = Auth(Alice, "tablet", "a", "a");

        await _revocations.RevokeAsync(Alice, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);

        Assert.Throws<ChatRequestException>(() => cell.Verify(phone, "a"));
        Assert.Throws<ChatRequestException>(() => cell.Verify(tablet, "a"));
    }

    [Fact]
    public void WithoutTheRevocations_AChatServerLeavesTheCheckToTheHomeCell()
    {
        var chatServer = new ChatTokens(_tokens, _topology, new CellIdentity("a", "a#1"));

        Assert.Equal(Alice, chatServer.Verify(Auth(Alice, "phone", "a", "a"), "a").UserId);
    }

    [Fact]
    public async Task AVisitorsRevocation_IsNotThisCellsToCheck()
    {
        // Cell a serves bob (homed in b); a's list holds only a's users, so it never refuses bob.
        await _revocations.RevokeAsync(Bob, null, _time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None);
        var cellA = new ChatTokens(_tokens, _topology, new CellIdentity("a"), _revocations);

        Assert.Equal(Bob, cellA.Verify(Auth(Bob, "phone", "b", "a"), "a").UserId);
    }

    [Fact]
    public void TokenOlderThanTheMaxAge_IsRefusedSayingWhy_WhateverItsExpiry()
    {
        var auth = Auth(Alice, "phone", "a", "a", life: TimeSpan.FromDays(3650));
        _time.Advance(TimeSpan.FromHours(24));
        var cell = new ChatTokens(_tokens, _topology, new CellIdentity("a"), _revocations);

        var e = Assert.Throws<ChatRequestException>(() => cell.Verify(auth, "a"));

        Assert.Equal((ErrorCode.BadToken, "token was issued more than 24 h ago (Token:MaxAgeHours); log in again"), (e.Code, e.Message));
    }

    [Fact]
    public void TokenFromAClockFarAhead_IsRefusedSayingWhy()
    {
        var ahead = new TokenService(Key, new FakeTimeProvider(_time.GetUtcNow() + TimeSpan.FromMinutes(3)));
        var auth = new Auth { Token = ahead.Issue(new TokenClaims(Alice, "phone", "a", "a", _time.GetUtcNow().AddHours(1))) };
        var cell = new ChatTokens(_tokens, _topology, new CellIdentity("a"), _revocations);

        var e = Assert.Throws<ChatRequestException>(() => cell.Verify(auth, "a"));

        Assert.Equal((ErrorCode.BadToken, "token is issued in the future; the clocks of login and this cell disagree"), (e.Code, e.Message));
    }

    private Auth Auth(ulong user, string device, string home, string serving, TimeSpan? life = null) => new()
    {
        Token = _tokens.Issue(new TokenClaims(user, device, home, serving, _time.GetUtcNow() + (life ?? TimeSpan.FromHours(1)))),
        DeviceId = device,
    };
}
