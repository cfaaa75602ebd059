using ImCells.Cell.Messaging;
using ImCells.Registry.Hlr;
using Xunit;

namespace ImCells.Unit.Tests.Messaging;

public sealed class DeliverBatchTests
{
    [Fact]
    public void SmallMessages_AllGoInOneBatch_InOutboxOrder()
    {
        var rows = Rows(500, textBytes: 100);

        var request = DeliverBatch.Build("a", rows);

        Assert.Equal("a", request.FromCell);
        Assert.Equal(rows.Select(r => r.Message.MessageId), request.Messages.Select(m => m.MessageId));
        Assert.All(request.Messages, m => Assert.Equal("a", m.FromCell));
    }

    [Fact]
    public void LargeMessages_AreCutByBytes_AndTheBatchStaysUnderTheLimit()
    {
        // 500 messages of 256 KiB (the largest Chat:MaxTextBytes) would be 128 MiB in one call.
        var rows = Rows(500, textBytes: 256 * 1024);

        var request = DeliverBatch.Build("a", rows);

        Assert.InRange(request.CalculateSize(), 1, DeliverBatch.MaxBytes);
        Assert.Equal(15, request.Messages.Count); // 16 × (256 KiB + its fields) is over 4 MiB
        Assert.Equal(rows.Take(15).Select(r => r.Message.MessageId), request.Messages.Select(m => m.MessageId));
    }

    [Fact]
    public void OneMessageOverTheLimit_StillGoesAlone()
    {
        var request = DeliverBatch.Build("a", Rows(3, textBytes: 2048), maxBytes: 1024);

        Assert.Single(request.Messages);
    }

    private static List<OutboxRow> Rows(int count, int textBytes) =>
        Enumerable.Range(1, count)
            .Select(i => new OutboxRow(i, "b", new RoutedMessage($"a-{i:D6}", 10_000_001, 11_000_001, new string('x', textBytes), 1_800_000_000_000 + i)))
            .ToList();
}
