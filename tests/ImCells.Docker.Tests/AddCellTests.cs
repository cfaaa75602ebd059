using Xunit.Abstractions;

namespace ImCells.Docker.Tests;

/// <summary>
/// Growth on separate hosts: `imcells topology add-cell` names cell d on a new host, `imcells pki`
/// issues its certificate only, and a new container starts it. The master publishes the map; new
/// numbers are served by d, and nothing else was restarted.
/// </summary>
[Collection("docker")]
public sealed class AddCellTests(DockerCluster cluster, ITestOutputHelper output)
{
    private static readonly string[] Running = ["master", "login-0", "cell-a", "cell-b", "cell-c"];

    [Fact]
    public Task NewCellContainer_ServesNewNumbers_NothingRestarted() =>
        cluster.RunAsync(output, TimeSpan.FromMinutes(3), async ct =>
        {
            var before = await Task.WhenAll(Running.Select(cluster.StartedAtAsync));
            output.WriteLine(await cluster.HostCliAsync("topology", "add-cell", "--topology", cluster.TopologyPath, "--id", "d",
                "--range", "13000000-13999999", "--grpc", "https://cell-d:7201", "--chat", "tls://cell-d:7301", "--sqlite", "/data/cell-d.db"));
            output.WriteLine(await cluster.HostCliAsync("pki", "--topology", cluster.TopologyPath, "--data", cluster.SecretsPath));
            await cluster.StartCellContainerAsync("d");
            await cluster.WaitHealthyAsync("cell-d");

            // Login learns the new map within its 2 s refresh; until then "--cell d" is an unknown cell.
            ulong kim = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (kim == 0)
            {
                try
                {
                    kim = await cluster.RegisterAsync("kim", "d");
                }
                catch (InvalidOperationException e) when (clock.Elapsed < TimeSpan.FromSeconds(30))
                {
                    output.WriteLine($"not yet: {e.Message.Split('\n')[0]}");
                    await Task.Delay(1000, ct);
                }
            }

            var leo = await cluster.RegisterAsync("leo", "a");
            output.WriteLine($"kim {kim} registered in cell d {clock.Elapsed.TotalSeconds:0.0} s after it started");
            Assert.InRange(kim, 13000000UL, 13999999UL);

            await cluster.UserCliAsync("send", "--user", $"{leo}", "--password", DockerCluster.Password, "--to", $"{kim}", "--text", "welcome to d");
            var atKim = await cluster.UserCliAsync("recv", "--user", $"{kim}", "--password", DockerCluster.Password, "--wait", "5");
            Assert.Contains("welcome to d", atKim);
            await cluster.UserCliAsync("send", "--user", $"{kim}", "--password", DockerCluster.Password, "--to", $"{leo}", "--text", "hello from d");
            Assert.Contains("hello from d", await cluster.UserCliAsync("recv", "--user", $"{leo}", "--password", DockerCluster.Password, "--wait", "5"));

            var after = await Task.WhenAll(Running.Select(cluster.StartedAtAsync));
            Assert.Equal(before, after);
            output.WriteLine($"started-at unchanged for {string.Join(", ", Running)}");
        });
}
