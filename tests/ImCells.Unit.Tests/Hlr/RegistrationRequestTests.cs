using ImCells.Registry.Hlr;
using ImCells.Server.Security;

namespace ImCells.Unit.Tests.Hlr;

public sealed class RegistrationRequestTests
{
    private static readonly (ulong, ulong)[] Range = [(10_000_000, 10_999_999)];

    [Theory]
    [HlrProviders]
    public async Task SameRequestIdTwice_SameNumber_OneAccount(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);

        var first = await hlr.Accounts.RegisterAsync("alice", "pw", Range, "req-1", CancellationToken.None);
        var again = await hlr.Accounts.RegisterAsync("alice", "pw", Range, "req-1", CancellationToken.None);

        Assert.Equal(RegistrationOutcome.Created, first.Outcome);
        Assert.Equal(RegistrationOutcome.Replayed, again.Outcome);
        Assert.Equal(first.Account!.Id, again.Account!.Id);
        Assert.Equal(1, await hlr.Accounts.CountAsync(CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task SameRequestIdAtOnce_OneAccount(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);

        var all = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => hlr.Accounts.RegisterAsync("alice", "pw", Range, "req-1", CancellationToken.None))));

        Assert.Single(all.Select(r => r.Account!.Id).Distinct());
        Assert.Single(all, r => r.Outcome == RegistrationOutcome.Created);
        Assert.Equal(1, await hlr.Accounts.CountAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData("bob", "pw")]
    [InlineData("alice", "other password")]
    public async Task SameRequestIdWithAnotherNameOrPassword_Refused_NothingAllocated(string name, string password)
    {
        await using var hlr = await TempHlr.CreateAsync();
        await hlr.Accounts.RegisterAsync("alice", "pw", Range, "req-1", CancellationToken.None);

        var reuse = await hlr.Accounts.RegisterAsync(name, password, Range, "req-1", CancellationToken.None);

        Assert.Equal(new Registration(RegistrationOutcome.RequestIdTaken, null), reuse);
        Assert.Equal(1, await hlr.Accounts.CountAsync(CancellationToken.None));
    }

    [Theory]
    [HlrProviders]
    public async Task Find_KnowsOnlyIdsItRegistered_NameComparedAsStored(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var created = await hlr.Accounts.RegisterAsync("Zoë", "pw", Range, "req-1", CancellationToken.None);

        Assert.Null(await hlr.Accounts.FindRegistrationAsync("req-2", "Zoë", "pw", CancellationToken.None));
        // Registration trims the name: so does the comparison.
        var found = await hlr.Accounts.FindRegistrationAsync("req-1", " Zoë ", "pw", CancellationToken.None);
        Assert.Equal(new Registration(RegistrationOutcome.Replayed, created.Account), found);
    }

    [Theory]
    [HlrProviders]
    public async Task Purge_ForgetsOldIds_AccountsStay(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        var first = await hlr.Accounts.RegisterAsync("alice", "pw", Range, "req-1", CancellationToken.None);

        Assert.Equal(0, await hlr.Accounts.PurgeRegistrationRequestsAsync(DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), CancellationToken.None));
        Assert.Equal(1, await hlr.Accounts.PurgeRegistrationRequestsAsync(DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(), CancellationToken.None));

        Assert.Null(await hlr.Accounts.FindRegistrationAsync("req-1", "alice", "pw", CancellationToken.None));
        Assert.NotNull(await hlr.Accounts.FindAsync(first.Account!.Id, CancellationToken.None));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("0f3c6f2e9a0b4e7c8d1a2b3c4d5e6f70", true)]
    [InlineData("phone:2024-05-01_x.y", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("slash/", false)]
    [InlineData("newline\n", false)]
    [InlineData("é", false)]
    public void RequestIdRule(string id, bool valid) =>
        Assert.Equal(valid, RegistrationRequestIds.IsValid(id));

    [Fact]
    public void RequestIdRule_AtMost64() =>
        Assert.Equal((true, false), (RegistrationRequestIds.IsValid(new string('x', 64)), RegistrationRequestIds.IsValid(new string('x', 65))));
}
