using ImCells.ClusterHost;

namespace ImCells.Unit.Tests.ClusterHost;

/// <summary>The process machinery against small shell scripts.</summary>
public sealed class HostedProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stop_ProcessHandlingSigterm_ExitsWithItsOwnCode()
    {
        using var log = new ProcessLog();
        await using var process = HostedProcess.Start(Shell("svc", "trap 'echo got TERM; exit 3' TERM; echo ready; while true; do sleep 0.05; done"), log);
        await ReadyAsync(process);

        var code = await process.StopAsync(Bound);

        Assert.Equal(3, code);
        Assert.Contains("got TERM", process.Output());
        Assert.Contains("[svc] got TERM", log.Dump());
    }

    [Fact]
    public async Task ShortLivedProcess_EveryLineRecordedBeforeExited()
    {
        using var log = new ProcessLog();
        await using var process = HostedProcess.Start(Shell("quick", "echo out; echo err >&2; exit 4"), log);

        Assert.Equal(4, await process.Exited.WaitAsync(Bound));
        Assert.Equal(["err", "out"], process.Output().Order());
    }

    [Fact]
    public async Task Stop_ProcessIgnoringSigterm_KilledAfterGrace()
    {
        using var log = new ProcessLog();
        await using var process = HostedProcess.Start(Shell("stubborn", "trap '' TERM; echo ready; while true; do sleep 0.05; done"), log);
        await ReadyAsync(process);

        var code = await process.StopAsync(TimeSpan.FromMilliseconds(300));

        Assert.Equal(137, code); // 128 + SIGKILL
        Assert.Contains("did not stop within", log.Dump());
    }

    [Fact]
    public async Task ExitOnItsOwn_ReportedUnexpected_KillIsNot()
    {
        using var log = new ProcessLog();
        await using var host = new ProcessHost(log);
        var unexpected = new TaskCompletionSource<(string, int)>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.ExitedUnexpectedly += (p, code) => unexpected.TrySetResult((p.Name, code));

        var victim = host.Start(Shell("victim", "echo ready; while true; do sleep 0.05; done"));
        await ReadyAsync(victim);
        await host.KillAsync("victim");
        Assert.False(host.IsRunning("victim"));

        host.Start(Shell("crasher", "exit 7"));
        Assert.Equal(("crasher", 7), await unexpected.Task.WaitAsync(Bound));
    }

    [Fact]
    public async Task Restart_StartsSameSpecAgainUnderNewPid()
    {
        using var log = new ProcessLog();
        await using var host = new ProcessHost(log);
        var first = host.Start(Shell("svc", "echo ready; while true; do sleep 0.05; done"));
        await ReadyAsync(first);

        var second = await host.RestartAsync("svc");
        await ReadyAsync(second);

        Assert.True(first.HasExited);
        Assert.NotEqual(first.Pid, second.Pid);
        Assert.Same(second, host.Find("svc"));
        Assert.Throws<InvalidOperationException>(() => host.Start(second.Spec));
    }

    [Fact]
    public async Task DisposeHost_StopsEveryProcessItStarted()
    {
        var log = new ProcessLog();
        var host = new ProcessHost(log, TimeSpan.FromSeconds(5));
        var a = host.Start(Shell("a", "echo ready; while true; do sleep 0.05; done"));
        var b = host.Start(Shell("b", "echo ready; while true; do sleep 0.05; done"));
        await ReadyAsync(a);
        await ReadyAsync(b);

        await host.DisposeAsync();

        Assert.True(a.HasExited && b.HasExited);
        log.Dispose();
    }

    [Fact]
    public async Task Readiness_ProcessExitsFirst_ReportsExitedWithItsOutput()
    {
        using var log = new ProcessLog();
        await using var process = HostedProcess.Start(Shell("dies", "echo cannot bind; exit 1"), log);

        var outcome = await Readiness.WaitAsync(_ => Task.FromResult(false), process, Bound, CancellationToken.None);
        var thrown = await Assert.ThrowsAsync<TimeoutException>(
            () => Readiness.EnsureAsync("listening", _ => Task.FromResult(false), process, Bound, CancellationToken.None));

        Assert.Equal(ReadyOutcome.Exited, outcome);
        Assert.Contains("exited with code 1 before listening", thrown.Message);
        Assert.Contains("cannot bind", thrown.Message);
    }

    [Fact]
    public async Task Readiness_ProbeNeverTrue_TimesOut()
    {
        var outcome = await Readiness.WaitAsync(_ => throw new IOException("refused"), null, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.Equal(ReadyOutcome.TimedOut, outcome);
    }

    private static ProcessSpec Shell(string name, string script) => new(name, "/bin/sh", ["-c", script]);

    private static async Task ReadyAsync(HostedProcess process) =>
        await Readiness.EnsureAsync("'ready' printed", _ => Task.FromResult(process.Output().Contains("ready")), process, Bound, CancellationToken.None,
            TimeSpan.FromMilliseconds(20));
}
