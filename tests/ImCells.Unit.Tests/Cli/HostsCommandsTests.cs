using ImCells.Cli;
using ImCells.Cli.Commands;
using ImCells.Topology;
using ImCells.Trust;
using ImCells.Unit.Tests.Topology;

namespace ImCells.Unit.Tests.Cli;

/// <summary>The file-only commands for servers on other hosts: `pki` and `topology add-cell --grpc --chat`.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HostsCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imcells-hosts-").FullName;

    private string TopologyPath => Path.Combine(_dir, "topology.json");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Pki_GivesEachHostOnlyWhatItNeeds()
    {
        await File.WriteAllTextAsync(TopologyPath, TopologyJson.TwoCells().ToJsonString());
        var data = Path.Combine(_dir, "secrets");

        Assert.Equal(0, await CommandInvoke.RunAsync(PkiCommand.Build(), ["--topology", TopologyPath, "--data", data]));

        Assert.True(File.Exists(Path.Combine(data, "pki", "ca.key")));
        Assert.Equal(32, new FileInfo(Path.Combine(data, "token.key")).Length);
        Assert.Equal(["ca.crt", "cell-a.crt", "cell-a.key", "token.key"], Files(Path.Combine(data, "hosts", "cell-a")));
        Assert.Equal(["ca.crt", "login-0.crt", "login-0.key", "token.key"], Files(Path.Combine(data, "hosts", "login-0")));
        Assert.Equal(["ca.crt", "master-master.crt", "master-master.key"], Files(Path.Combine(data, "hosts", "master-master")));
        Assert.Equal("600", PrivateFiles.Octal(File.GetUnixFileMode(Path.Combine(data, "hosts", "cell-a", "cell-a.key"))));
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(data, "token.key")),
            await File.ReadAllBytesAsync(Path.Combine(data, "hosts", "cell-b", "token.key")));

        // Again: nothing reissued, the key kept.
        var key = await File.ReadAllBytesAsync(Path.Combine(data, "token.key"));
        var certificate = await File.ReadAllTextAsync(Path.Combine(data, "hosts", "cell-a", "cell-a.crt"));
        Assert.Equal(0, await CommandInvoke.RunAsync(PkiCommand.Build(), ["--topology", TopologyPath, "--data", data]));
        Assert.Equal(key, await File.ReadAllBytesAsync(Path.Combine(data, "token.key")));
        Assert.Equal(certificate, await File.ReadAllTextAsync(Path.Combine(data, "hosts", "cell-a", "cell-a.crt")));
    }

    [Fact]
    public async Task AddCell_OnAnotherHost_TakesItsEndpointsAsGiven()
    {
        await File.WriteAllTextAsync(TopologyPath, TopologyJson.TwoCells().ToJsonString());

        Assert.Equal(0, await CommandInvoke.RunAsync(TopologyCommand.Build(), ["add-cell", "--topology", TopologyPath, "--id", "d", "--range", "13000000-13999999",
            "--grpc", "https://cell-d:7201", "--chat", "tls://cell-d:7301", "--sqlite", "/data/cell-d.db"]));

        var cell = TopologyFile.Load(TopologyPath).Cells.Single(c => c.Id == "d");
        Assert.Equal("https://cell-d:7201", cell.Grpc);
        Assert.Equal(["tls://cell-d:7301"], cell.Chat);
        Assert.Equal("Data Source=/data/cell-d.db", cell.Database.Connection);
    }

    [Fact]
    public async Task AddCell_GrpcWithoutChat_IsAUsageError()
    {
        await File.WriteAllTextAsync(TopologyPath, TopologyJson.TwoCells().ToJsonString());
        var before = await File.ReadAllTextAsync(TopologyPath);

        await Assert.ThrowsAsync<UsageException>(() => CommandInvoke.RunAsync(TopologyCommand.Build(),
            ["add-cell", "--topology", TopologyPath, "--id", "d", "--range", "13000000-13999999", "--grpc", "https://cell-d:7201"]));
        Assert.Equal(before, await File.ReadAllTextAsync(TopologyPath));
    }

    [Fact]
    public async Task AddCell_ReusingAnEndpoint_IsRefused()
    {
        await File.WriteAllTextAsync(TopologyPath, TopologyJson.TwoCells().ToJsonString());
        var taken = TopologyFile.Load(TopologyPath).Cells[0].Grpc;

        var refused = await Assert.ThrowsAsync<CliException>(() => CommandInvoke.RunAsync(TopologyCommand.Build(),
            ["add-cell", "--topology", TopologyPath, "--id", "d", "--range", "13000000-13999999", "--grpc", taken, "--chat", "tls://cell-d:7301"]));
        Assert.Contains("reuses", refused.Message);
    }

    private static string[] Files(string folder) => [.. Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
}
