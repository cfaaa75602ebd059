using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>
/// bench group's run over real lean connections to <see cref="FakeGroupCell"/>: a clean run is
/// "good" with every delivery counted once, and scripted faults come out as the loss, its kind
/// (checked by group_sync) and the duplicates.
/// </summary>
public sealed class GroupRunLoopbackTests
{
    private const ulong HeadSeq = 5;
    private static readonly ulong[] Users = [10_000_001, 10_000_002, 10_000_003, 10_000_004];

    [Fact]
    public async Task CleanRun_IsGood()
    {
        await using var cell = new FakeGroupCell(HeadSeq);

        var result = await RunAsync(cell, "--drain", "5");

        Assert.Equal("good", result.Verdict);
        Assert.InRange(result.Acked, 150, 200);
        Assert.Equal((result.Sent, result.Acked * 3), (result.Acked, result.Deliveries));
        Assert.Equal((3, 3), (result.FanoutReached, result.FanoutExpected));
        Assert.NotNull(result.FanoutMs);
        Assert.Equal(result.Deliveries, result.Latency.Count);
    }

    [Fact]
    public async Task ScriptedFaults_AreFound()
    {
        await using var cell = new FakeGroupCell(HeadSeq)
        {
            Stores = e => !e.Text.StartsWith("b:0:3:", StringComparison.Ordinal),
            Copies = (user, e) =>
                user == Users[2] && e.Text.StartsWith("b:1:2:", StringComparison.Ordinal) ? 0 :
                user == Users[1] && e.Text.StartsWith("b:0:1:", StringComparison.Ordinal) ? 2 : 1,
        };

        var result = await RunAsync(cell, "--drain", "1");

        Assert.Equal((4L, new LossVerdict(NotPushed: 1, NotStored: 3, Unverified: 0)), (result.Lost, result.Loss));
        Assert.Equal((1L, 0L, 0L), (result.Duplicates, result.Repeated, result.OutOfOrder));
        Assert.StartsWith("lost 4 deliveries (1 stored but not pushed, 3 not stored", result.Verdict);
    }

    private static async Task<GroupResult> RunAsync(FakeGroupCell cell, params string[] extra)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var options = GroupBenchOptions.Parse(
            new BenchArgs(["--members", "4", "--senders", "2", "--rate", "200", "--seconds", "1", .. extra], new HashSet<string>()), () => ["a"]);
        var members = new GroupMember[Users.Length];
        for (var i = 0; i < members.Length; i++)
        {
            var connection = await LeanConnection.ConnectAsync(
                cell.Endpoint, null, Users[i].ToString(System.Globalization.CultureInfo.InvariantCulture), null, "a", TimeSpan.FromSeconds(5), timeout.Token);
            members[i] = new GroupMember(i, Users[i], "a", connection);
        }

        return await new GroupRun(members, options, FakeGroupCell.Group, HeadSeq).ExecuteAsync(new CpuMeter(options.Cluster, []), timeout.Token);
    }
}
