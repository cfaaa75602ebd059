using System.Diagnostics;
using ImCells.Cluster.Tests.Hosting;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>`imcells up` restarts a killed cell; `status` says so by its exit code; `topology remove-cell` takes out only an empty cell.</summary>
[Collection("up-healing")]
public sealed class UpHealingTests(UpHealingFixture cluster, ITestOutputHelper output)
{
    /// <summary>The acceptance bound: a cell killed under `up` answers again within this.</summary>
    private static readonly TimeSpan BackWithin = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task KilledCell_IsRestartedWithin10s_AndStatusIsUnhealthyUntilItIsBack()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var (healthy, before) = await cluster.CliAsync(CliTimeout, "status", "--state", cluster.StatePath);
        Assert.True(healthy == 0, $"status before the kill exited {healthy}:\n{before}");

        var pid = cluster.PidInState("cell b");
        Assert.True(pid > 0, "the state file lists no pid for cell b");
        var clock = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill();

        // Right away, while `up` waits its backoff and the new process starts: down.
        var (down, downOutput) = await cluster.CliAsync(CliTimeout, "status", "--state", cluster.StatePath);
        output.WriteLine(downOutput);
        Assert.True(down == 4, $"status with cell b killed {clock.Elapsed.TotalSeconds:0.0} s ago exited {down}, not 4:\n{downOutput}");

        var back = await Wait.UntilAsync(() => cluster.PidInState("cell b") is var now && now != pid && now > 0
            && cluster.CellsUpAsync(timeout.Token).GetAwaiter().GetResult().Any(c => c.Id == "b" && c.Up), TimeSpan.FromTicks(Math.Max(0, (BackWithin - clock.Elapsed).Ticks)), timeout.Token);
        output.WriteLine($"cell b answering again: {back} after {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(back, $"cell b did not answer within {BackWithin.TotalSeconds:0} s of its kill\n{string.Join('\n', cluster.UpLines())}\n{cluster.Logs()}");

        var (after, afterOutput) = await cluster.CliAsync(CliTimeout, "status", "--state", cluster.StatePath);
        output.WriteLine(afterOutput);
        Assert.True(after == 0, $"status with cell b back exited {after}:\n{afterOutput}");
        Assert.Contains(cluster.UpLines(), l => l.Contains($"cell b (pid {pid}) exited unexpectedly with code 137", StringComparison.Ordinal));
        Assert.Contains(cluster.UpLines(), l => l.Contains("cell b restarted (attempt 1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RemoveCell_WithUsers_IsRefused_WithoutUsers_IsTakenOutAndStopped()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        using (var api = new ImCells.Client.LoginApi(cluster.LoginUrl, cluster.Ca))
        {
            await api.RegisterAsync("remove-refused", "password-of-a", "a", timeout.Token);
        }

        var original = await File.ReadAllTextAsync(cluster.TopologyPath, timeout.Token);
        var (refused, refusedOutput) = await cluster.CliAsync(CliTimeout, "topology", "remove-cell", "--id", "a", "--topology", cluster.TopologyPath);
        output.WriteLine(refusedOutput);
        Assert.Equal(3, refused);
        Assert.Contains("cell a has", refusedOutput);
        Assert.Equal(original, await File.ReadAllTextAsync(cluster.TopologyPath, timeout.Token));

        var (grpc, chat) = cluster.SpareCell;
        var (added, addedOutput) = await cluster.CliAsync(CliTimeout, "topology", "add-cell", "--id", "e", "--range", "14000000-14999999",
            "--grpc", grpc, "--chat", chat, "--sqlite", Path.Combine(cluster.TempDir, "cell-e.db"), "--topology", cluster.TopologyPath);
        Assert.True(added == 0, addedOutput);
        Assert.True(
            await Wait.UntilAsync(() => cluster.CellsUpAsync(timeout.Token).GetAwaiter().GetResult().Any(c => c.Id == "e" && c.Up), TimeSpan.FromSeconds(60), timeout.Token),
            $"cell e never came up\n{cluster.Logs()}");

        var (removed, removedOutput) = await cluster.CliAsync(CliTimeout, "topology", "remove-cell", "--id", "e", "--topology", cluster.TopologyPath);
        output.WriteLine(removedOutput);
        Assert.True(removed == 0, removedOutput);
        // Only the version differs from before the add: the edit was undone byte for byte.
        Assert.Equal(original.Replace("\"version\": 1,", "\"version\": 3,", StringComparison.Ordinal), await File.ReadAllTextAsync(cluster.TopologyPath, timeout.Token));
        Assert.True(
            await Wait.UntilAsync(() => cluster.PidInState("cell e") == 0 && cluster.UpLines().Any(l => l.Contains("removes cell e", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), timeout.Token),
            $"`up` did not stop cell e\n{string.Join('\n', cluster.UpLines())}");
        Assert.True(
            await Wait.UntilAsync(() => cluster.CellsUpAsync(timeout.Token).GetAwaiter().GetResult().All(c => c.Id != "e"), TimeSpan.FromSeconds(30), timeout.Token),
            $"login still lists cell e: the master did not publish the map without it\n{cluster.Logs()}");
    }
}
