using System.Globalization;
using System.Text;
using System.Text.Json;
using ImCells.Protos.Client;

namespace ImCells.Cli;

/// <summary>How a received message is printed: one line of text, or one JSON object per line.</summary>
internal static class MessageFormat
{
    public static string Text(ChatMessage message) =>
        $"#{message.Seq} {message.From} -> {message.To} {SentAt(message)}: {message.Text}";

    public static string Json(ChatMessage message)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", message.Id);
            writer.WriteNumber("from", message.From);
            writer.WriteNumber("to", message.To);
            writer.WriteNumber("seq", message.Seq);
            writer.WriteString("text", message.Text);
            writer.WriteString("sentAt", SentAt(message));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static string SentAt(ChatMessage message) =>
        DateTimeOffset.FromUnixTimeMilliseconds(message.SentAtMs).UtcDateTime
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
