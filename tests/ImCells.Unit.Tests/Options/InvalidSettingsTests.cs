using ImCells.Login;
using ImCells.Server.Discovery;
using ImCells.Server.Hosting;

namespace ImCells.Unit.Tests.Options;

/// <summary>What <see cref="ServerRun"/> prints, one line per problem, before a server with a bad setting exits.</summary>
public sealed class InvalidSettingsTests
{
    private static IReadOnlyList<string> InvalidSettings(params (string, string)[] settings)
    {
        using var provider = Settings.Provider(s => s.AddLoginOptions().AddImCellsDiscoveryOptions(), settings);
        return ServerRun.InvalidSettings(provider);
    }

    [Fact]
    public void GoodSettings_AreNoProblem() =>
        Assert.Empty(InvalidSettings(("Login:TokenLifetimeHours", "12"), ("Discovery:Provider", "etcd")));

    [Fact]
    public void BadSetting_IsOneLineNamingIt() =>
        Assert.Equal(["invalid setting Login:TokenLifetimeHours = 0: must be 1..8760"], InvalidSettings(("Login:TokenLifetimeHours", "0")));

    [Fact]
    public void BadSettingsInTwoSections_AreOneLineEach() =>
        Assert.Equal(
            ["invalid setting Login:TokenLifetimeHours = 0: must be 1..8760", "invalid setting Discovery:TtlSeconds = 0: must be 2..3600"],
            InvalidSettings(("Login:TokenLifetimeHours", "0"), ("Discovery:TtlSeconds", "0")));

    [Fact]
    public void ValueOfTheWrongType_IsOneLineNamingTheSetting()
    {
        var line = Assert.Single(InvalidSettings(("Login:SourceLoginBurst", "five")));

        Assert.StartsWith("invalid setting: ", line, StringComparison.Ordinal);
        Assert.Contains("'Login:SourceLoginBurst'", line, StringComparison.Ordinal);
    }
}
