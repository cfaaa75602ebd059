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
        Assert.Equal(5, options.FreeFailures);
        Assert.Equal(300, options.FailureWindowSeconds);
    }

    [Fact]
    public void Settings_AreBoundFromTheLoginSection()
    {
        var options = Settings.Value<LoginOptions>(s => s.AddLoginOptions(),
            ("Login:Listen", "https://127.0.0.1:7101"), ("Login:TokenLifetimeHours", "1.5"),
            ("Login:FreeFailures", "0"), ("Login:FailureWindowSeconds", "60"), ("Login:Index", "1"));

        Assert.Equal("https://127.0.0.1:7101", options.Listen);
        Assert.Equal(1, options.Index);
        Assert.Equal(1.5, options.TokenLifetimeHours);
        Assert.Equal(0, options.FreeFailures);
        Assert.Equal(60, options.FailureWindowSeconds);
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
    [InlineData("-1")]
    [InlineData("1001")]
    public void FreeFailures_OutOfRange_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Login:FreeFailures = {value}: must be 0..1000"], Failures(("Login:FreeFailures", value)));

    [Theory]
    [InlineData("0")]
    [InlineData("86401")]
    public void FailureWindowSeconds_OutOfRange_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Login:FailureWindowSeconds = {value}: must be 1..86400"], Failures(("Login:FailureWindowSeconds", value)));

    [Theory]
    [InlineData("https://127.0.0.1:7100")]
    [InlineData("http://127.0.0.1:7100")]
    [InlineData("http://localhost:7100")]
    [InlineData("https://[::1]:7100")]
    public void Listen_HttpOrHttpsUrlWithAddress_IsValid(string value) =>
        Assert.Empty(Failures(("Login:Listen", value)));

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:7100")]
    [InlineData("tls://127.0.0.1:7100")]
    [InlineData("https://login.example:7100")]
    public void Listen_NotAnHttpUrlWithAddress_FailsNamingTheSetting(string value)
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
        Assert.Equal(3, Failures(("Login:TokenLifetimeHours", "0"), ("Login:FreeFailures", "-1"), ("Login:FailureWindowSeconds", "0")).Count);
}
