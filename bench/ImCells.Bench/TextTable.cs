using System.Text;

namespace ImCells.Bench;

/// <summary>Plain-text columns: the first left-aligned (labels), the others right-aligned (numbers), two spaces apart.</summary>
internal static class TextTable
{
    public static string Format(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = headers.Select((_, c) => all.Max(r => c < r.Count ? r[c].Length : 0)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var c = 0; c < widths.Length; c++)
            {
                var cell = c < row.Count ? row[c] : "";
                line.Append(c == 0 ? cell.PadRight(widths[c]) : "  " + cell.PadLeft(widths[c]));
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }
}
