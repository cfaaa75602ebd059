using Grpc.Core;
using ImCells.Cell.Delivery;
using ImCells.Protos.Cell;
using ImCells.Registry.Hlr;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;
using DeliverResult = ImCells.Protos.Cell.DeliverResult;
using RoutedMessage = ImCells.Registry.Hlr.RoutedMessage;

namespace ImCells.Cell.Messaging;

/// <summary>
/// The receiving half of cross-cell messaging (the sending half is <see cref="OutboxForwarder"/>
/// and <see cref="ReadReceipts"/>): messages and read receipts for users homed here. A cell may
/// only deliver messages sent by its own users, and receipts of reads by its own users.
/// </summary>
[CallableBy(ClusterRole.Cell)]
internal sealed partial class MessagePeeringService(
    CellIdentity self,
    TopologyCache topology,
    MailboxStore mailboxes,
    Notifier notifier,
    ReadReceipts receipts,
    TrustRefusals refusals,
    ILogger<MessagePeeringService> logger) : MessagePeering.MessagePeeringBase
{
    public override async Task<DeliverReply> Deliver(DeliverRequest request, ServerCallContext context)
    {
        var map = topology.Current;
        // All or nothing: one forged sender refuses the batch, so nothing of it is stored.
        var caller = context.CellSpeakingForOwnUsers(refusals, map, request.FromCell, request.Messages.Select(m => m.From), "message sender");
        foreach (var m in request.Messages)
        {
            context.RequireSelfNamed(refusals, caller, m.FromCell.Length > 0 ? m.FromCell : caller);
        }
        var reply = new DeliverReply();
        var accepted = new List<RoutedMessage>(request.Messages.Count);
        foreach (var m in request.Messages)
        {
            if (map.Locate(m.To)?.Id != self.Id)
            {
                // Topology disagreement: refuse rather than store a mailbox for a number we do not own.
                reply.Results.Add(new DeliverResult { MessageId = m.MessageId, Outcome = DeliverResult.Types.Outcome.Refused, Reason = $"number {m.To} is not homed in cell '{self.Id}'" });
                continue;
            }

            accepted.Add(new RoutedMessage(m.MessageId, m.From, m.To, m.Text, m.SentAtMs));
        }

        var results = await mailboxes.DeliverAsync(accepted,
            rs => notifier.NewEntries(rs.Where(r => r.Appended is not null).Select(r => r.Appended!)),
            CancellationToken.None);
        foreach (var r in results)
        {
            reply.Results.Add(new DeliverResult { MessageId = r.MessageId, Seq = r.Seq, Outcome = SendOutcomes.ToWire(r.Outcome) });
        }

        Delivered(logger, results.Count(r => r.Appended is not null), request.Messages.Count, request.FromCell);
        return reply;
    }

    public override async Task<ReadReceiptsReply> ReadReceipts(ReadReceiptsRequest request, ServerCallContext context)
    {
        context.CellSpeakingForOwnUsers(refusals, topology.Current, request.FromCell, request.Receipts.Select(r => r.Reader), "reader");
        foreach (var receipt in request.Receipts)
        {
            await receipts.DeliverLocalAsync(receipt.Reader, receipt.Sender, receipt.MessageId, receipt.ReadAtMs, context.CancellationToken);
        }

        return new ReadReceiptsReply();
    }

    [LoggerMessage(1, LogLevel.Debug, "Deliver from cell {FromCell}: {New} new of {Count}")]
    private static partial void Delivered(ILogger logger, int @new, int count, string fromCell);
}
