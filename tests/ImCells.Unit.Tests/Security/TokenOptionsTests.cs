using ImCells.Login;
using ImCells.Server.Security;
using ImCells.Unit.Tests.Options;

namespace ImCells.Unit.Tests.Security;

public sealed class TokenOptionsTests
{
    private static IReadOnlyList<string> Failures(params (string, string)[] settings) =>
        Settings.Failures<TokenOptions>(s => s.AddImCellsTokens(), settings);

    private static IReadOnlyList<string> LoginFailures(params (string, string)[] settings) =>
        Settings.Failures<LoginOptions>(s => s.AddImCellsTokens().AddLoginOptions().AddTokenLifetimeCheck(), settings);

    [Fact]
    public void Defaults_AreValid_AndMatchTheLoginsTokenLifetime()
    {
        var options = Settings.Value<TokenOptions>(s => s.AddImCellsTokens());

        Assert.Equal("data/token.key", options.KeyFile);
        Assert.Equal(24, options.MaxAgeHours);
        Assert.Equal(new LoginOptions().TokenLifetimeHours, options.MaxAgeHours);
        Assert.Empty(LoginFailures());
    }

    [Fact]
    public void Settings_AreBoundFromTheTokenSection()
    {
        var options = Settings.Value<TokenOptions>(s => s.AddImCellsTokens(), ("Token:KeyFile", "/k/key"), ("Token:MaxAgeHours", "1.5"));

        Assert.Equal("/k/key", options.KeyFile);
        Assert.Equal(TimeSpan.FromMinutes(90), options.MaxAge);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0.5")]
    [InlineData("8761")]
    [InlineData("NaN")]
    public void MaxAgeHours_OutOfRange_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Token:MaxAgeHours = {value}: must be 1..8760"], Failures(("Token:MaxAgeHours", value)));

    [Fact]
    public void EmptyKeyFile_Fails() =>
        Assert.Equal(["Token:KeyFile is empty: name the token key file (switch --token-key)"], Failures(("Token:KeyFile", " ")));

    [Fact]
    public void LoginLifetimeBeyondMaxAge_FailsNamingBothSettings() =>
        Assert.Equal(
            ["Login:TokenLifetimeHours = 48: must not exceed Token:MaxAgeHours (24), the oldest token any server accepts; raise Token:MaxAgeHours on every server first"],
            LoginFailures(("Login:TokenLifetimeHours", "48")));

    [Fact]
    public void LoginLifetimeWithinARaisedMaxAge_IsValid() =>
        Assert.Empty(LoginFailures(("Login:TokenLifetimeHours", "48"), ("Token:MaxAgeHours", "48")));

    [Fact]
    public void BadMaxAge_IsReportedOnce_NotAgainByTheLoginCheck()
    {
        Assert.Empty(LoginFailures(("Token:MaxAgeHours", "0")));
        Assert.Single(Failures(("Token:MaxAgeHours", "0")));
    }
}
