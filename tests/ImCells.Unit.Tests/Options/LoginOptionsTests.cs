using ImCells.Login;

namespace ImCells.Unit.Tests.Options;

public sealed class LoginOptionsTests
{
    private static IReadOnlyList<string> Failures(params (string, string)[] settings) =>
        Settings.Failures<LoginOptions>(s => s.AddLoginOptions(), settings);

    [Fact]
    public void Defaults_AreValid()
    {
        var options = Settings.Value<LoginOptions>(s => s.AddLoginOptions());

        Assert.Null(options.Listen);
        Assert.Equal(0, options.Index);
        Assert.Equal(24, options.TokenLifetimeHours);
        Assert.Equal(30, options.SourceLoginsPerMinute);
        Assert.Equal(30, options.SourceLoginBurst);
        Assert.Equal(120, options.SourceLookupsPerMinute);
        Assert.Equal(60, options.SourceLookupBurst);
        Assert.Equal(20, options.SourceRegistrationsPerHour);
        Assert.Equal(5, options.SourceRegistrationBurst);
        Assert.Equal(100_000, options.MaxSources);
    }

    [Fact]
    public void Settings_AreBoundFromTheLoginSection()
    {
        var options = Settings.Value<LoginOptions>(s => s.AddLoginOptions(),
            ("Login:Listen", "https://127.0.0.1:7101"), ("Login:TokenLifetimeHours", "1.5"),
            ("Login:SourceLoginsPerMinute", "0"), ("Login:SourceRegistrationBurst", "2"), ("Login:Index", "1"));

        Assert.Equal("https://127.0.0.1:7101", options.Listen);
        Assert.Equal(1, options.Index);
        Assert.Equal(1.5, options.TokenLifetimeHours);
        Assert.Equal(0, options.SourceLoginsPerMinute);
        Assert.Equal(2, options.SourceRegistrationBurst);
    }

    [Theory]
    [InlineData("0", "Login:TokenLifetimeHours = 0: must be 1..8760")]
    [InlineData("0.5", "Login:TokenLifetimeHours = 0.5: must be 1..8760")]
    [InlineData("8761", "Login:TokenLifetimeHours = 8761: must be 1..8760")]
    [InlineData("NaN", "Login:TokenLifetimeHours = NaN: must be 1..8760")]
    public void TokenLifetimeHours_OutOfRange_FailsNamingTheSetting(string value, string failure) =>
        Assert.Equal([failure], Failures(("Login:TokenLifetimeHours", value)));

    [Theory]
    [InlineData("1")]
    [InlineData("8760")]
    public void TokenLifetimeHours_AtTheBounds_IsValid(string value) =>
        Assert.Empty(Failures(("Login:TokenLifetimeHours", value)));

    [Theory]
    [InlineData("SourceLoginsPerMinute", "-1", "0..100000")]
    [InlineData("SourceLoginsPerMinute", "100001", "0..100000")]
    [InlineData("SourceLoginBurst", "0", "1..100000")]
    [InlineData("SourceLookupsPerMinute", "-1", "0..100000")]
    [InlineData("SourceLookupBurst", "0", "1..100000")]
    [InlineData("SourceRegistrationsPerHour", "-1", "0..1000000")]
    [InlineData("SourceRegistrationBurst", "0", "1..100000")]
    [InlineData("MaxSources", "999", "1000..10000000")]
    public void SourceLimit_OutOfRange_FailsNamingTheSetting(string setting, string value, string range) =>
        Assert.Equal([$"Login:{setting} = {value}: must be {range}"], Failures(($"Login:{setting}", value)));

    [Theory]
    [InlineData("https://127.0.0.1:7100")]
    [InlineData("http://127.0.0.1:7100")]
    [InlineData("http://localhost:7100")]
    [InlineData("https://[::1]:7100")]
    [InlineData("https://login-0:7100")]
    public void Listen_HttpOrHttpsUrl_IsValid(string value) =>
        Assert.Empty(Failures(("Login:Listen", value)));

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:7100")]
    [InlineData("tls://127.0.0.1:7100")]
    public void Listen_NotAnHttpUrl_FailsNamingTheSetting(string value)
    {
        var failure = Assert.Single(Failures(("Login:Listen", value)));

        Assert.StartsWith($"Login:Listen = '{value}': must be an https:// or http:// URL", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_Negative_FailsNamingTheSwitch() =>
        Assert.Equal(["Login:Index = -1: must be 0..9999, the position of this server in the topology's login list (--login-index)"],
            Failures(("Login:Index", "-1")));

    [Fact]
    public void SeveralBadSettings_AreAllReported() =>
        Assert.Equal(3, Failures(("Login:TokenLifetimeHours", "0"), ("Login:SourceLoginBurst", "0"), ("Login:MaxSources", "0")).Count);
}
