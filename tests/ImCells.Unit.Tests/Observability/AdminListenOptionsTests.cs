using ImCells.Server.Hosting;
using ImCells.Unit.Tests.Options;

namespace ImCells.Unit.Tests.Observability;

/// <summary>Hosting:AdminListen (--admin) is checked at start like the other hosting settings.</summary>
public sealed class AdminListenOptionsTests
{
    private static void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        services.AddListenAtStartup((_, _) => { });

    [Fact]
    public void ByDefault_NoAdminEndpoint() =>
        Assert.Null(Settings.Value<HostingOptions>(Register).AdminListen);

    [Theory]
    [InlineData("http://127.0.0.1:7010")]
    [InlineData("http://0.0.0.0:9100")]
    [InlineData("http://localhost:7010/")]
    [InlineData("http://[::1]:7010")]
    public void AnHttpUrlWithAPort_IsTheAdminEndpoint(string value) =>
        Assert.Equal(value, Settings.Value<HostingOptions>(Register, ("Hosting:AdminListen", value)).AdminListen);

    [Theory]
    [InlineData("https://127.0.0.1:7010")]
    [InlineData("http://127.0.0.1")]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://127.0.0.1:7010/admin")]
    [InlineData("127.0.0.1:7010")]
    public void AnythingElse_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Hosting:AdminListen = '{value}': must be http://HOST:PORT with a port from 1 to 65535 and no path, e.g. http://127.0.0.1:7010 (--admin)"],
            Settings.Failures<HostingOptions>(Register, ("Hosting:AdminListen", value)));

    [Fact]
    public void TheAdminSwitch_SetsTheSetting() =>
        Assert.Equal("Hosting:AdminListen", HostingExtensions.Switches["--admin"]);
}
