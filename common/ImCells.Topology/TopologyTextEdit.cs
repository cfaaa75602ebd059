using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ImCells.Topology;

/// <summary>
/// Small edits of topology.json as text, so an operator's file keeps its formatting, order and
/// comments and a diff shows only what changed: a cell appended after the last one in the style of
/// that one, a cell cut out with the separator before it, the version number replaced in place.
/// Cutting out the cell just appended gives back the text it was appended to, byte for byte; the
/// master still wants the cut recorded (<see cref="RecordRemoved"/>), one short line.
/// </summary>
public static class TopologyTextEdit
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary><paramref name="text"/> with "version" set to <paramref name="version"/>.</summary>
    public static string WithVersion(string text, ulong version)
    {
        var layout = Scan(text);
        if (layout.Version is not { } span)
        {
            throw new TopologyException("topology has no \"version\" to raise");
        }

        return string.Concat(text.AsSpan(0, span.Start), version.ToString(CultureInfo.InvariantCulture), text.AsSpan(span.End));
    }

    /// <summary><paramref name="text"/> with <paramref name="cell"/> appended to "cells", formatted like the last cell.</summary>
    public static string AddCell(string text, TopologyFile.CellSection cell)
    {
        var layout = Scan(text);
        if (layout.Cells.Count == 0)
        {
            throw new TopologyException("topology has no cell to place the new one after");
        }

        var last = layout.Cells[^1];
        var indent = LineIndent(text, last.Start);
        // Between two cells the file already shows its separator; with one cell, a comma and a new line.
        var separator = layout.Cells.Count > 1
            ? text[layout.Cells[^2].End..last.Start]
            : text[last.Start - indent.Length - 1] == '\n' ? ",\n" + indent : ", ";
        var multiLine = text.AsSpan(last.Start, last.End - last.Start).Contains('\n');
        var cellText = multiLine ? MultiLine(cell, indent, InnerIndent(text, last, indent)) : OneLine(cell);
        return string.Concat(text.AsSpan(0, last.End), separator, cellText, text.AsSpan(last.End));
    }

    /// <summary><paramref name="text"/> without the cell <paramref name="cellId"/> and the separator before it.</summary>
    public static string RemoveCell(string text, string cellId)
    {
        var layout = Scan(text);
        var index = layout.Cells.FindIndex(c => c.Id == cellId);
        if (index < 0)
        {
            throw new TopologyException($"topology has no cell '{cellId}'");
        }

        if (layout.Cells.Count == 1)
        {
            throw new TopologyException($"cell '{cellId}' is the only cell: a topology needs at least one");
        }

        var cell = layout.Cells[index];
        // The separator before it goes with it; the first cell takes the one after it instead.
        var (from, to) = index > 0 ? (layout.Cells[index - 1].End, cell.End) : (cell.Start, layout.Cells[1].Start);
        return string.Concat(text.AsSpan(0, from), text.AsSpan(to));
    }

    /// <summary>
    /// <paramref name="text"/> with <paramref name="cellId"/> added to "removedCells" (made on its own
    /// line before "cells" when missing), which the master needs to accept a map without that cell.
    /// </summary>
    public static string RecordRemoved(string text, string cellId)
    {
        var layout = Scan(text);
        var id = Str(cellId);
        if (layout.RemovedCells is { } list)
        {
            var inside = text[(list.Start + 1)..(list.End - 1)];
            if (inside.Trim().Length == 0)
            {
                return string.Concat(text.AsSpan(0, list.Start), $"[ {id} ]", text.AsSpan(list.End));
            }

            var last = list.End - 1;
            while (char.IsWhiteSpace(text[last - 1]))
            {
                last--;
            }

            return string.Concat(text.AsSpan(0, last), ", ", id, text.AsSpan(last));
        }

        if (layout.CellsKey is not { } cellsKey)
        {
            throw new TopologyException("topology has no \"cells\" to place \"removedCells\" before");
        }

        var indent = LineIndent(text, cellsKey);
        var after = indent.Length > 0 || (cellsKey > 0 && text[cellsKey - 1] == '\n') ? ",\n" + indent : ", ";
        return string.Concat(text.AsSpan(0, cellsKey), $"\"removedCells\": [ {id} ]", after, text.AsSpan(cellsKey));
    }

    /// <summary>One cell as the repository's topology.json writes it: related fields share a line.</summary>
    private static string MultiLine(TopologyFile.CellSection cell, string indent, string inner)
    {
        var lines = new List<string>
        {
            string.Join(", ", new[] { Field("id", Str(cell.Id)) }.Concat(cell.Region is { Length: > 0 } r ? [Field("region", Str(r))] : [])),
            string.Join(", ", new[] { Field("ranges", Ranges(cell.Ranges)) }.Concat(cell.GroupRanges is { Count: > 0 } g ? [Field("groupRanges", Ranges(g))] : [])),
            $"{Field("grpc", Str(cell.Grpc))}, {Field("chat", Strings(cell.Chat))}",
        };
        if (cell.ChatServers is { Count: > 0 } servers)
        {
            lines.Add(Field("chatServers", $"[ {string.Join(", ", servers.Select(s => $"{{ {Field("chat", Str(s.Chat))}, {Field("grpc", Str(s.Grpc))} }}"))} ]"));
        }

        lines.Add(Field("database", Database(cell.Database)));
        var body = new StringBuilder("{\n");
        for (var i = 0; i < lines.Count; i++)
        {
            body.Append(inner).Append(lines[i]).Append(i < lines.Count - 1 ? ",\n" : "\n");
        }

        return body.Append(indent).Append('}').ToString();
    }

    private static string OneLine(TopologyFile.CellSection cell) =>
        MultiLine(cell, "", "").Replace(",\n", ", ", StringComparison.Ordinal).Replace("{\n", "{ ", StringComparison.Ordinal).Replace("\n}", " }", StringComparison.Ordinal);

    private static string Field(string name, string value) => $"\"{name}\": {value}";

    private static string Str(string? value) => JsonSerializer.Serialize(value ?? "");

    private static string Strings(IReadOnlyList<string>? values) => $"[ {string.Join(", ", (values ?? []).Select(Str))} ]";

    private static string Ranges(IReadOnlyList<TopologyFile.RangeSection>? ranges) =>
        $"[ {string.Join(", ", (ranges ?? []).Select(r => string.Create(CultureInfo.InvariantCulture, $"{{ \"first\": {r.First}, \"last\": {r.Last} }}")))} ]";

    private static string Database(TopologyFile.DatabaseSection? database) =>
        $"{{ {Field("provider", Str(database?.Provider))}, {Field("connection", Str(database?.Connection))} }}";

    /// <summary>The blanks before <paramref name="at"/> on its line (empty when something else precedes it).</summary>
    private static string LineIndent(string text, int at)
    {
        var start = at;
        while (start > 0 && text[start - 1] is ' ' or '\t')
        {
            start--;
        }

        return start == 0 || text[start - 1] == '\n' ? text[start..at] : "";
    }

    /// <summary>The indentation of the first field inside a multi-line cell (the outer one plus two spaces if none shows).</summary>
    private static string InnerIndent(string text, Span cell, string indent)
    {
        var newline = text.IndexOf('\n', cell.Start);
        var start = newline + 1;
        var end = start;
        while (end < cell.End && text[end] is ' ' or '\t')
        {
            end++;
        }

        return end > start ? text[start..end] : indent + "  ";
    }

    /// <summary>Where the version number and each cell object are, as character offsets.</summary>
    private static Layout Scan(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(bytes, ReaderOptions);
        var layout = new Layout();
        string? property = null;
        CellBuilder? cell = null;
        var inCells = false;
        int? removedStart = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString();
                        if (reader.CurrentDepth == 1 && property == "cells")
                        {
                            layout.CellsKey = Chars(bytes, reader.TokenStartIndex);
                        }

                        break;
                    case JsonTokenType.StartArray when reader.CurrentDepth == 1 && property == "removedCells":
                        removedStart = Chars(bytes, reader.TokenStartIndex);
                        break;
                    case JsonTokenType.EndArray when reader.CurrentDepth == 1 && property == "removedCells" && removedStart is { } start:
                        layout.RemovedCells = new Span(start, Chars(bytes, reader.TokenStartIndex + 1));
                        removedStart = null;
                        break;
                    case JsonTokenType.Number when reader.CurrentDepth == 1 && property == "version":
                        layout.Version = new Span(Chars(bytes, reader.TokenStartIndex), Chars(bytes, reader.TokenStartIndex + reader.ValueSpan.Length));
                        break;
                    case JsonTokenType.StartArray when reader.CurrentDepth == 1 && property == "cells":
                        inCells = true;
                        break;
                    case JsonTokenType.EndArray when reader.CurrentDepth == 1:
                        inCells = false;
                        break;
                    case JsonTokenType.StartObject when reader.CurrentDepth == 2 && inCells:
                        cell = new CellBuilder(Chars(bytes, reader.TokenStartIndex));
                        break;
                    case JsonTokenType.String when reader.CurrentDepth == 3 && property == "id" && cell is not null:
                        cell.Id = reader.GetString();
                        break;
                    case JsonTokenType.EndObject when reader.CurrentDepth == 2 && cell is not null:
                        layout.Cells.Add(new CellSpan(cell.Id ?? "", cell.Start, Chars(bytes, reader.TokenStartIndex + 1)));
                        cell = null;
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new TopologyException($"topology is not valid JSON: {e.Message}");
        }

        return layout;
    }

    /// <summary>The character offset of a UTF-8 byte offset (they differ after a non-ASCII character).</summary>
    private static int Chars(byte[] bytes, long byteOffset) => Encoding.UTF8.GetCharCount(bytes, 0, (int)byteOffset);

    private readonly record struct Span(int Start, int End);

    private sealed record CellSpan(string Id, int Start, int End)
    {
        public static implicit operator Span(CellSpan cell) => new(cell.Start, cell.End);
    }

    private sealed class CellBuilder(int start)
    {
        public int Start { get; } = start;

        public string? Id { get; set; }
    }

    private sealed class Layout
    {
        public Span? Version { get; set; }

        /// <summary>Where the "cells" property name starts (its opening quote).</summary>
        public int? CellsKey { get; set; }

        /// <summary>The "removedCells" array, brackets included.</summary>
        public Span? RemovedCells { get; set; }

        public List<CellSpan> Cells { get; } = [];
    }
}
