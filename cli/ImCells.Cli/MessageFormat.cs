using System.Text;
using System.Text.Json;
using ImCells.Protos.Client;

namespace ImCells.Cli;

/// <summary>How a message is printed: one line of text, or one JSON object per line.</summary>
internal static class MessageFormat
{
    public static string Text(ChatMessage message)
    {
        var line = $"#{message.Seq} {message.From} -> {message.To} {IsoTime.Format(message.SentAtMs)}: {message.Text}";
        return message.FailedReason.Length > 0 ? $"{line} [failed: {message.FailedReason}]" : line;
    }

    public static string Json(ChatMessage message) => JsonLine(writer => Write(writer, message));

    /// <summary>The message as one JSON object, for embedding in a larger one.</summary>
    public static void Write(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("id", message.Id);
        writer.WriteNumber("from", message.From);
        writer.WriteNumber("to", message.To);
        writer.WriteNumber("seq", message.Seq);
        writer.WriteString("text", message.Text);
        writer.WriteString("sentAt", IsoTime.Format(message.SentAtMs));
        if (message.FailedReason.Length > 0)
        {
            writer.WriteString("failed", message.FailedReason);
        }

        writer.WriteEndObject();
    }

    /// <summary>Whatever <paramref name="write"/> writes, as one line of UTF-8 JSON.</summary>
    public static string JsonLine(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }
}
