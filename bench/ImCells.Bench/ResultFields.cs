using System.Text.Json.Nodes;

namespace ImCells.Bench;

/// <summary>
/// Reads numbers and text back out of a result line, whether it was built in this process (values of
/// any CLR number type) or parsed from JSON: the summary and the exit code are made from the line itself.
/// </summary>
internal static class ResultFields
{
    /// <summary>The number at <paramref name="node"/>; null when it is missing, null or not a number.</summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }

        if (value.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (value.TryGetValue<ulong>(out var ul))
        {
            return ul;
        }

        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (value.TryGetValue<uint>(out var ui))
        {
            return ui;
        }

        return value.TryGetValue<float>(out var f) ? f : null;
    }

    public static long Count(JsonNode? node) => (long)(Number(node) ?? 0);

    public static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static bool Flag(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var b) && b;
}
