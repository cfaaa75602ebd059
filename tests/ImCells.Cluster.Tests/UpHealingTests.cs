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
    public async Task KilledCell_StatusIsUnhealthyWhileDown_HealthyOnceUpRestartedIt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await StatusExitsAsync(0, "before the kill");

        // `up` frozen: nobody restarts the cell, so status sees it down however slowly it runs.
        var pid = CellPid("cell b");
        await cluster.SignalUpAsync("-STOP");
        try
        {
            Process.GetProcessById(pid).Kill();
            await StatusExitsAsync(4, "with cell b killed and not restarted yet");
        }
        finally
        {
            await cluster.SignalUpAsync("-CONT");
        }

        var clock = Stopwatch.StartNew();
        Assert.True(await BackAsync("cell b", pid, timeout.Token), $"cell b did not answer within {BackWithin.TotalSeconds:0} s of `up` seeing it gone\n{UpLines()}\n{cluster.Logs()}");
        output.WriteLine($"cell b answering again {clock.Elapsed.TotalSeconds:0.0} s after `up` was thawed");
        await StatusExitsAsync(0, "with cell b back");
        Assert.Contains(cluster.UpLines(), l => l.Contains($"cell b (pid {pid}) exited unexpectedly with code 137", StringComparison.Ordinal));
    }

    [Fact]
    public async Task KilledCell_IsRestartedAndAnswersWithin10s()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        Assert.True(await BackAsync("cell a", 0, timeout.Token), "cell a is not up to begin with");
        var pid = CellPid("cell a");

        var clock = Stopwatch.StartNew();
        Process.GetProcessById(pid).Kill();
        var back = await BackAsync("cell a", pid, timeout.Token);
        output.WriteLine($"cell a answering again: {back}, {clock.Elapsed.TotalSeconds:0.0} s after kill -9");

        Assert.True(back, $"cell a did not answer within {BackWithin.TotalSeconds:0} s of its kill\n{UpLines()}\n{cluster.Logs()}");
        Assert.Contains(cluster.UpLines(), l => l.Contains($"cell a (pid {pid}) exited unexpectedly with code 137", StringComparison.Ordinal));
        Assert.Contains(cluster.UpLines(), l => l.Contains("cell a restarted (attempt ", StringComparison.Ordinal));
        await StatusExitsAsync(0, "with cell a back");
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

        // Going back to the old file by hand (no "removedCells") must not drop the live cell e.
        var withE = await File.ReadAllTextAsync(cluster.TopologyPath, timeout.Token);
        await File.WriteAllTextAsync(cluster.TopologyPath, original.Replace("\"version\": 1,", "\"version\": 9,", StringComparison.Ordinal), timeout.Token);
        Assert.True(
            await Wait.UntilAsync(() => cluster.UpLines().Any(l => l.Contains("not applied", StringComparison.Ordinal) && l.Contains("cell 'e' is missing", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), timeout.Token),
            $"`up` did not refuse the file without cell e\n{string.Join('\n', cluster.UpLines())}");
        Assert.True(
            await Wait.UntilAsync(() => cluster.Logs().Contains("cell 'e' is missing", StringComparison.Ordinal), TimeSpan.FromSeconds(30), timeout.Token),
            $"the master did not refuse the file without cell e\n{cluster.Logs()}");
        Assert.Contains(await cluster.CellsUpAsync(timeout.Token), c => c.Id == "e" && c.Up);
        await File.WriteAllTextAsync(cluster.TopologyPath, withE, timeout.Token);

        var (removed, removedOutput) = await cluster.CliAsync(CliTimeout, "topology", "remove-cell", "--id", "e", "--topology", cluster.TopologyPath);
        output.WriteLine(removedOutput);
        Assert.True(removed == 0, removedOutput);
        // Only the version and the "removedCells" line differ from before the add.
        Assert.Equal(
            original.Replace("\"version\": 1,", "\"version\": 3,", StringComparison.Ordinal)
                .Replace("  \"cells\": [", "  \"removedCells\": [ \"e\" ],\n  \"cells\": [", StringComparison.Ordinal),
            await File.ReadAllTextAsync(cluster.TopologyPath, timeout.Token));
        Assert.True(
            await Wait.UntilAsync(() => cluster.PidInState("cell e") == 0 && cluster.UpLines().Any(l => l.Contains("removes cell e", StringComparison.Ordinal)), TimeSpan.FromSeconds(30), timeout.Token),
            $"`up` did not stop cell e\n{string.Join('\n', cluster.UpLines())}");
        Assert.True(
            await Wait.UntilAsync(() => cluster.CellsUpAsync(timeout.Token).GetAwaiter().GetResult().All(c => c.Id != "e"), TimeSpan.FromSeconds(30), timeout.Token),
            $"login still lists cell e: the master did not publish the map without it\n{cluster.Logs()}");
    }

    private int CellPid(string name)
    {
        var pid = cluster.PidInState(name);
        Assert.True(pid > 0, $"the state file lists no pid for {name}");
        return pid;
    }

    /// <summary>
    /// True once a process other than <paramref name="killed"/> runs as <paramref name="name"/>, its
    /// admin endpoint says ready and login reports its cell up; false after <see cref="BackWithin"/>.
    /// (Login alone may still say "up" from just before the kill.)
    /// </summary>
    private Task<bool> BackAsync(string name, int killed, CancellationToken ct) =>
        Wait.UntilAsync(async () => cluster.PidInState(name) is var now && now != killed && now > 0
            && await cluster.ReadyInStateAsync(name, ct)
            && (await cluster.CellsUpAsync(ct)).Any(c => c.Id == name[^1..] && c.Up), BackWithin, ct);

    private async Task StatusExitsAsync(int expected, string when)
    {
        var (code, text) = await cluster.CliAsync(CliTimeout, "status", "--state", cluster.StatePath);
        output.WriteLine($"status {when}: exit {code}\n{text}");
        Assert.True(code == expected, $"status {when} exited {code}, not {expected}:\n{text}");
    }

    private string UpLines() => string.Join('\n', cluster.UpLines());
}
