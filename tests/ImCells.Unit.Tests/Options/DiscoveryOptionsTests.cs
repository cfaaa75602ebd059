using ImCells.Server.Discovery;

namespace ImCells.Unit.Tests.Options;

public sealed class DiscoveryOptionsTests
{
    private static IReadOnlyList<string> Failures(params (string, string)[] settings) =>
        Settings.Failures<DiscoveryOptions>(s => s.AddImCellsDiscoveryOptions(), settings);

    [Fact]
    public void Defaults_AreValidAndStatic()
    {
        var options = Settings.Value<DiscoveryOptions>(s => s.AddImCellsDiscoveryOptions());

        Assert.False(options.UsesEtcd);
        Assert.Equal("http://127.0.0.1:2379", options.Etcd);
        Assert.Equal(5, options.TtlSeconds);
        Assert.Equal("/imcells/chat/", options.Prefix);
    }

    [Fact]
    public void EtcdSettings_AreBoundFromTheDiscoverySection()
    {
        var options = Settings.Value<DiscoveryOptions>(s => s.AddImCellsDiscoveryOptions(),
            ("Discovery:Provider", "ETCD"), ("Discovery:Etcd", "http://127.0.0.1:23790, http://127.0.0.1:23791"),
            ("Discovery:TtlSeconds", "3"), ("Discovery:Prefix", "/test/"));

        Assert.True(options.UsesEtcd);
        Assert.Equal(3, options.TtlSeconds);
        Assert.Equal("/test/", options.Prefix);
    }

    [Fact]
    public void Provider_Unknown_FailsNamingTheSetting() =>
        Assert.Equal(["Discovery:Provider = 'zookeeper': must be 'static' or 'etcd'"], Failures(("Discovery:Provider", "zookeeper")));

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1:2379")]
    [InlineData("http://127.0.0.1:2379,tcp://127.0.0.1:2380")]
    public void Etcd_NotHttpUrls_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Discovery:Etcd = '{value}': must be http:// or https:// URLs separated by commas"], Failures(("Discovery:Etcd", value)));

    [Theory]
    [InlineData("1")]
    [InlineData("3601")]
    public void TtlSeconds_OutOfRange_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Discovery:TtlSeconds = {value}: must be 2..3600"], Failures(("Discovery:TtlSeconds", value)));

    [Theory]
    [InlineData("")]
    [InlineData("/imcells/chat")]
    public void Prefix_NotEndingWithSlash_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Discovery:Prefix = '{value}': must end with '/'"], Failures(("Discovery:Prefix", value)));
}
