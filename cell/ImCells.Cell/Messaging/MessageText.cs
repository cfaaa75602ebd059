using System.Text;
using ImCells.Cell.Chat;
using ImCells.Protos.Client;

namespace ImCells.Cell.Messaging;

/// <summary>The rules every message text follows, one-to-one and in groups alike.</summary>
internal static class MessageText
{
    public static void Check(string text, int maxTextBytes)
    {
        if (text.Length == 0)
        {
            throw ChatRequestException.BadRequest("text is empty");
        }

        // PostgreSQL's text cannot hold U+0000: refused everywhere, so a cell's provider never decides whether a message can be sent.
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw ChatRequestException.BadRequest("text may not contain the NUL character (U+0000)");
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > maxTextBytes)
        {
            throw new ChatRequestException(ErrorCode.MessageTooLarge,
                $"text is {bytes} bytes; the limit is {maxTextBytes} (Chat:MaxTextBytes)");
        }
    }

    /// <summary>A client's id for a message: at most 64 characters, no control characters.</summary>
    public static void CheckClientMsgId(string clientMsgId)
    {
        if (clientMsgId.Length > 64)
        {
            throw ChatRequestException.BadRequest("client_msg_id is longer than 64 characters");
        }

        if (clientMsgId.Any(char.IsControl))
        {
            throw ChatRequestException.BadRequest("client_msg_id may not contain control characters");
        }
    }
}
