using ImCells.Bench;

namespace ImCells.Unit.Tests.Bench;

/// <summary>
/// Per-member accounting of bench group: a delivery counts once, the same seq twice is a duplicate,
/// the same message under a second seq is a repeat, a lower seq than seen is out of order, and what
/// a member lacks at the end is the acknowledged messages of the other senders, by seq.
/// </summary>
public sealed class GroupDeliveryLedgerTests
{
    private const ulong Base = 100;

    [Fact]
    public void Deliveries_CountOncePerMemberWithTheirLatency()
    {
        var ledger = new GroupDeliveryLedger(3, [0, 1], Base);
        ledger.Ack(0, 0, 101);
        ledger.Ack(1, 0, 102);

        Assert.True(ledger.Arrived(1, 0, 0, 101, sentTimestamp: 1_000, nowTimestamp: 1_500));
        Assert.True(ledger.Arrived(2, 0, 0, 101, 1_000, 1_700));
        Assert.True(ledger.Arrived(0, 1, 0, 102, 1_000, 1_900));
        Assert.True(ledger.Arrived(2, 1, 0, 102, 1_000, 2_000));

        Assert.Equal((2L, 4L, 4L, 0L, 0L, 0L), (ledger.Acked, ledger.ExpectedDeliveries, ledger.Deliveries, ledger.Duplicates, ledger.Repeated, ledger.OutOfOrder));
        Assert.Equal(4, ledger.Latency.Count);
        Assert.Equal(2_000, ledger.LastDeliveryTimestamp);
        Assert.All(Enumerable.Range(0, 3), m => Assert.Empty(ledger.Missing(m)));
    }

    [Fact]
    public void SameSeqTwice_IsADuplicate_SameMessageUnderAnotherSeq_IsARepeat()
    {
        var ledger = new GroupDeliveryLedger(2, [0], Base);

        Assert.True(ledger.Arrived(1, 0, 0, 101, 0, 1));
        Assert.False(ledger.Arrived(1, 0, 0, 101, 0, 2));
        Assert.False(ledger.Arrived(1, 0, 0, 105, 0, 3));

        Assert.Equal((1L, 1L, 1L), (ledger.Deliveries, ledger.Duplicates, ledger.Repeated));
    }

    [Fact]
    public void LowerSeqThanSeen_IsOutOfOrder_ButDelivered()
    {
        var ledger = new GroupDeliveryLedger(2, [0], Base);

        ledger.Arrived(1, 0, 1, 103, 0, 1);
        ledger.Arrived(1, 0, 0, 102, 0, 2);
        ledger.Arrived(1, 0, 2, 104, 0, 3);

        Assert.Equal((3L, 1L), (ledger.Deliveries, ledger.OutOfOrder));
    }

    [Fact]
    public void Missing_IsWhatWasAckedButNeverArrived_NotTheSendersOwn()
    {
        var ledger = new GroupDeliveryLedger(3, [0, 1], Base);
        for (var n = 0; n < 100; n++)
        {
            ledger.Ack(0, n, Base + 1 + (ulong)(2 * n));
            ledger.Ack(1, n, Base + 2 + (ulong)(2 * n));
        }

        for (var n = 0; n < 100; n++)
        {
            if (n != 50)
            {
                ledger.Arrived(1, 0, n, Base + 1 + (ulong)(2 * n), 0, 1);
            }

            ledger.Arrived(0, 1, n, Base + 2 + (ulong)(2 * n), 0, 1);
        }

        Assert.Equal([Base + 101], ledger.Missing(1));
        Assert.Empty(ledger.Missing(0));
        Assert.Equal(200, ledger.Missing(2).Count);
        Assert.Equal(Base + 1, ledger.Missing(2)[0]);
        Assert.Equal(400, ledger.ExpectedDeliveries);
    }

    [Fact]
    public void UnackedMessages_AreNotMissing_AndAckCountsOnce()
    {
        var ledger = new GroupDeliveryLedger(2, [0], Base);
        ledger.Ack(0, 3, 104);
        ledger.Ack(0, 3, 104);

        Assert.Equal(1, ledger.Acked);
        Assert.Equal([104UL], ledger.Missing(1));
    }

    [Theory]
    [InlineData(5, 0, 0, 101UL)]  // no such member
    [InlineData(1, 9, 0, 101UL)]  // no such sender
    [InlineData(1, 0, -1, 101UL)] // no such counter
    [InlineData(1, 0, 0, 100UL)]  // before the run
    public void ArrivalsOutsideTheRun_AreIgnored(int member, int sender, int counter, ulong seq)
    {
        var ledger = new GroupDeliveryLedger(2, [0], Base);

        Assert.False(ledger.Arrived(member, sender, counter, seq, 0, 1));
        Assert.Equal((0L, 0L), (ledger.Deliveries, ledger.Duplicates));
    }
}
