using ImCells.Server.Hosting;

namespace ImCells.Unit.Tests.Options;

public sealed class HostingOptionsTests
{
    private static void Register(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        services.AddListenAtStartup((_, _) => { });

    [Fact]
    public void ByDefault_TheTopologysHostsAreBound() =>
        Assert.Null(Settings.Value<HostingOptions>(Register).Bind);

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("10.0.0.5")]
    public void AnAddress_IsTheBindAddress(string value) =>
        Assert.Equal(System.Net.IPAddress.Parse(value), Settings.Value<HostingOptions>(Register, ("Hosting:BindAddress", value)).Bind);

    [Theory]
    [InlineData("cell-a")]
    [InlineData("0.0.0.0:7201")]
    public void NotAnAddress_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Hosting:BindAddress = '{value}': must be an IP address of this host, e.g. 0.0.0.0 (--bind)"],
            Settings.Failures<HostingOptions>(Register, ("Hosting:BindAddress", value)));
}
