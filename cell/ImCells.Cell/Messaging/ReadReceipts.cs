using Grpc.Core;
using ImCells.Cell.Delivery;
using ImCells.Server.Grpc;
using ImCells.Server.Hosting;
using ImCells.Topology;
using ImCells.Registry.Hlr;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Carries a read receipt to the sender: pushed here when the sender is homed here, else one
/// gRPC call to the sender's home cell. Best effort: a receipt lost to a dead cell is not retried.
/// </summary>
internal sealed partial class ReadReceipts(
    CellIdentity self,
    TopologyCache topology,
    ChannelPool channels,
    ReadStateStore readState,
    Notifier notifier,
    ILogger<ReadReceipts> logger)
{
    public async Task SendAsync(ulong reader, ulong sender, string messageId, long readAtMs)
    {
        var home = topology.Current.Locate(sender);
        if (home is null)
        {
            return;
        }

        if (home.Id == self.Id)
        {
            await DeliverLocalAsync(reader, sender, messageId, readAtMs, CancellationToken.None);
            return;
        }

        var request = new CellProto.ReadReceiptsRequest { FromCell = self.Id };
        request.Receipts.Add(new CellProto.ReadReceiptItem { Reader = reader, Sender = sender, MessageId = messageId, ReadAtMs = readAtMs });
        try
        {
            await channels.Client<CellProto.MessagePeering.MessagePeeringClient>(home.Grpc).ReadReceiptsAsync(request, deadline: Deadlines.Short);
        }
        catch (RpcException e)
        {
            ReceiptLost(logger, messageId, home.Id, e.Status.Detail);
        }
    }

    /// <summary>Pushes a receipt to a sender homed in this cell, with the message's seq in the sender's mailbox.</summary>
    public async Task DeliverLocalAsync(ulong reader, ulong sender, string messageId, long readAtMs, CancellationToken cancellationToken)
    {
        var seq = await readState.SeqOfAsync(sender, messageId, cancellationToken);
        if (seq is not null)
        {
            notifier.ReadReceipt(sender, reader, messageId, seq.Value, readAtMs);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Read receipt for {MessageId} to cell {Cell} lost: {Detail}")]
    private static partial void ReceiptLost(ILogger logger, string messageId, string cell, string detail);
}
