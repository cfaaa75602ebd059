using System.Globalization;

namespace ImCells.Cli.Commands;

/// <summary>A line typed in `chat` that sends: "@M text" to user M, "#G text" to group G.</summary>
internal readonly record struct ChatLine(bool ToGroup, ulong To, string Text)
{
    /// <summary>False for anything else: no sigil, no number, or nothing to say.</summary>
    public static bool TryParse(string line, out ChatLine parsed)
    {
        parsed = default;
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (line.Length == 0 || line[0] is not ('@' or '#') || space < 2
            || !ulong.TryParse(line.AsSpan(1, space - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var to))
        {
            return false;
        }

        var text = line[(space + 1)..].TrimStart();
        parsed = new ChatLine(line[0] == '#', to, text);
        return text.Length > 0;
    }
}
