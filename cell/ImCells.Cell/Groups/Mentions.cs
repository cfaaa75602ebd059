namespace ImCells.Cell.Groups;

/// <summary>"@number" in a group message mentions that user; the member cells count mentions of their members only.</summary>
internal static class Mentions
{
    /// <summary>At most this many distinct mentions are kept from one message.</summary>
    public const int Max = 50;

    public static List<ulong> Parse(string text)
    {
        var found = new List<ulong>();
        var span = text.AsSpan();
        for (var i = span.IndexOf('@'); i >= 0 && found.Count < Max; i = NextAt(span, i + 1))
        {
            var end = i + 1;
            while (end < span.Length && char.IsAsciiDigit(span[end]))
            {
                end++;
            }

            // A mention stands alone: "@123" but not "a@123" (an e-mail address) nor "@123x".
            var startsWord = i == 0 || !char.IsLetterOrDigit(span[i - 1]);
            var endsWord = end == span.Length || !char.IsLetterOrDigit(span[end]);
            if (end > i + 1 && startsWord && endsWord && ulong.TryParse(span[(i + 1)..end], out var user) && user != 0 && !found.Contains(user))
            {
                found.Add(user);
            }
        }

        return found;
    }

    private static int NextAt(ReadOnlySpan<char> span, int from)
    {
        if (from >= span.Length)
        {
            return -1;
        }

        var next = span[from..].IndexOf('@');
        return next < 0 ? -1 : from + next;
    }
}
