using ImCells.Registry.Hlr;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Messaging;

/// <summary>
/// One Deliver call's messages from the oldest outbox rows: cut by bytes as well as by count, so a
/// batch stays well under the cells' 16 MiB gRPC message limit whatever Chat:MaxTextBytes allows
/// (500 messages of 256 KiB would be 128 MiB). Always at least one message, so the outbox moves.
/// </summary>
internal static class DeliverBatch
{
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>The request for the first rows that fit in <paramref name="maxBytes"/>; the rest wait for the next batch.</summary>
    public static CellProto.DeliverRequest Build(string selfId, IReadOnlyList<OutboxRow> rows, int maxBytes = MaxBytes)
    {
        var request = new CellProto.DeliverRequest { FromCell = selfId };
        var bytes = 0;
        foreach (var row in rows)
        {
            var message = new CellProto.RoutedMessage
            {
                MessageId = row.Message.MessageId,
                From = row.Message.From,
                To = row.Message.To,
                Text = row.Message.Text,
                SentAtMs = row.Message.SentAtMs,
                FromCell = selfId,
            };
            bytes += message.CalculateSize() + 5; // + the field's tag and length prefix, at most
            if (request.Messages.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            request.Messages.Add(message);
        }

        return request;
    }
}
