using System.Text.Json.Nodes;
using ImCells.Client;
using ImCells.Protos.Login;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

[Collection("cluster")]
public sealed class TopologyTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan PickUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>DESIGN.md §2: a new version reaches everyone; a bad file is refused and the last good map stays.</summary>
    [Fact]
    public async Task TopologyEdit_PickedUpWithin5s_BadEditKeepsLastMap()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var ct = cts.Token;
        var original = cluster.ReadTopology();
        await cluster.RunAsync(output, async () =>
        {
            var before = await cluster.StatusAsync(ct);
            var next = before.TopologyVersion + 1;
            try
            {
                var edited = cluster.ReadTopology();
                edited["version"] = next;
                cluster.WriteTopology(edited);

                var status = await PollAsync(s => Everywhere(s, next), PickUp, ct);
                Assert.True(status is not null && Everywhere(status, next),
                    $"version {next} not everywhere within {PickUp.TotalSeconds:0} s; last status: {status}");

                var rejectionsBefore = MasterRejections(cluster.Logs()).Count;
                var bad = cluster.ReadTopology();
                bad["version"] = next + 1;
                bad["cells"]![1]!["ranges"] = new JsonArray(new JsonObject { ["first"] = 10_500_000, ["last"] = 11_999_999 });
                cluster.WriteTopology(bad);

                // The master's log line is the signal that the bad file was read; then nothing may move for 3 s.
                var started = DateTime.UtcNow;
                var logged = await PollLogsAsync(l => MasterRejections(l).Count > rejectionsBefore, TimeSpan.FromSeconds(10), ct);
                Assert.True(logged, "the master never logged that it rejected the overlapping topology");
                var rejection = MasterRejections(cluster.Logs())[^1];
                output.WriteLine(rejection);
                Assert.Contains("overlaps", rejection);

                var moved = await PollAsync(s => s.TopologyVersion != next || s.Cells.Any(c => c.Up && c.TopologyVersion != next),
                    TimeSpan.FromSeconds(3) - (DateTime.UtcNow - started), ct);
                Assert.True(moved is null || !(moved.TopologyVersion != next || moved.Cells.Any(c => c.Up && c.TopologyVersion != next)),
                    $"the version moved after a bad edit: {moved}");

                var still = await cluster.StatusAsync(ct);
                Assert.Equal(next, still.TopologyVersion);
                Assert.All(still.Cells, c => Assert.True(c.Up, $"cell {c.Id} down: {c.Error}"));
                var user = await cluster.RegisterAsync("after-bad-edit", "pw", "b", ct);
                Assert.InRange(user, 11_000_000UL, 11_999_999UL);
            }
            finally
            {
                // Leave a valid file at a version above anything written, and wait until it is served.
                var restore = original.DeepClone().AsObject();
                restore["version"] = next + 2;
                cluster.WriteTopology(restore);
                try
                {
                    var restored = await PollAsync(s => Everywhere(s, next + 2), TimeSpan.FromSeconds(10), ct);
                    output.WriteLine($"restored: version {restored?.TopologyVersion}");
                }
                catch (OperationCanceledException)
                {
                    output.WriteLine("ran out of time waiting for the restored topology");
                }
            }
        }, ct);
    }

    private static bool Everywhere(StatusReply status, ulong version) =>
        status.TopologyVersion == version && status.Cells.Count > 0 && status.Cells.All(c => c.TopologyVersion == version);

    /// <summary>Polls status until <paramref name="done"/> holds (returns that status) or the window ends (returns the last one, or null).</summary>
    private async Task<StatusReply?> PollAsync(Func<StatusReply, bool> done, TimeSpan window, CancellationToken ct)
    {
        using var api = new LoginApi(cluster.LoginUrl);
        var deadline = DateTime.UtcNow + window;
        StatusReply? last = null;
        while (true)
        {
            try
            {
                last = await api.StatusAsync(ct);
                if (done(last))
                {
                    return last;
                }
            }
            catch (ImClientException e)
            {
                output.WriteLine($"status failed: {e.Message}");
            }

            if (DateTime.UtcNow >= deadline)
            {
                return last;
            }

            await Task.Delay(Poll, ct);
        }
    }

    private async Task<bool> PollLogsAsync(Func<string, bool> done, TimeSpan window, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + window;
        while (!done(cluster.Logs()))
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(Poll, ct);
        }

        return true;
    }

    /// <summary>The master's "topology ... rejected" log lines.</summary>
    private static List<string> MasterRejections(string logs) =>
        logs.Split('\n')
            .Where(l => l.StartsWith("[master] ", StringComparison.Ordinal) && l.Contains("rejected", StringComparison.OrdinalIgnoreCase))
            .ToList();
}
