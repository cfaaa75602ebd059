using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>The fan-out probe counts each member once; a lost message is sorted by what the member's group_sync returned.</summary>
public sealed class GroupLossCheckTests
{
    [Fact]
    public void Classify_StoredIsNotPushed_CoveredButAbsentIsNotStored_RestUnverified()
    {
        var verdict = LossVerdict.Classify([101, 102, 150, 300], new HashSet<ulong> { 101, 150, 200 }, coveredUpTo: 200);

        Assert.Equal(new LossVerdict(2, 1, 1), verdict);
        Assert.Equal(new LossVerdict(3, 1, 1), verdict + new LossVerdict(1, 0, 0));
    }

    [Fact]
    public void Probe_CountsEachMemberOnce_AndTimesTheLast()
    {
        var probe = new GroupFanoutProbe(members: 3, expected: 2);
        Assert.Null(probe.LastArrivalMs(0));

        probe.Arrived(1, System.Diagnostics.Stopwatch.Frequency / 100);
        probe.Arrived(1, System.Diagnostics.Stopwatch.Frequency);
        Assert.False(probe.Complete);
        probe.Arrived(2, System.Diagnostics.Stopwatch.Frequency / 50);
        probe.Arrived(7, 1);

        Assert.True(probe.Complete);
        Assert.Equal(2, probe.Reached);
        Assert.Equal(20.0, probe.LastArrivalMs(0)!.Value, precision: 3);
    }
}
