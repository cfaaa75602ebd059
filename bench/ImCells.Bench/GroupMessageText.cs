using System.Globalization;

namespace ImCells.Bench;

/// <summary>
/// The text of a bench group message, "b:&lt;sender&gt;:&lt;counter&gt;:&lt;send timestamp&gt;", and of the
/// fan-out probe, "p:&lt;send timestamp&gt;" (Stopwatch ticks: both ends live in this process).
/// Parsed from spans, without allocating, on the receive path.
/// </summary>
internal static class GroupMessageText
{
    public static string Message(int sender, int counter, long timestamp) =>
        string.Create(CultureInfo.InvariantCulture, $"b:{sender}:{counter}:{timestamp}");

    public static string Probe(long timestamp) => string.Create(CultureInfo.InvariantCulture, $"p:{timestamp}");

    public static bool TryParseMessage(ReadOnlySpan<char> text, out int sender, out int counter, out long timestamp)
    {
        sender = counter = 0;
        timestamp = 0;
        if (!text.StartsWith("b:", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text[2..];
        return TryTake(ref rest, out sender)
            && TryTake(ref rest, out counter)
            && long.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
    }

    public static bool TryParseProbe(ReadOnlySpan<char> text, out long timestamp)
    {
        timestamp = 0;
        return text.StartsWith("p:", StringComparison.Ordinal)
            && long.TryParse(text[2..], NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
    }

    // Reads the number before the next ':' and leaves rest after that ':'.
    private static bool TryTake(ref ReadOnlySpan<char> rest, out int value)
    {
        value = 0;
        var colon = rest.IndexOf(':');
        if (colon <= 0 || !int.TryParse(rest[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        rest = rest[(colon + 1)..];
        return true;
    }
}
