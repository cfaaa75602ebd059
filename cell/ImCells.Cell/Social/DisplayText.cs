using System.Buffers;
using System.Globalization;
using System.Text;

namespace ImCells.Cell.Social;

/// <summary>
/// The rule for text one user shows to others next to their number: the registration name, the
/// nickname, the status text, profile details and the message of a friend request. Refused: control
/// characters (Cc) except a line feed where several lines are allowed (CR LF counts as one), format characters (Cf: bidi
/// overrides and isolates, zero-width space and joiners, BOM, soft hyphen, tags), line and
/// paragraph separators, private use, unassigned code points and noncharacters, lone surrogates,
/// invisible fillers (Hangul fillers, braille blank, combining grapheme joiner), more than
/// <see cref="MaxCombiningRun"/> combining marks in a row, and text with nothing visible. What
/// passes is normalised to NFC and trimmed; its length is counted afterwards, in Unicode scalar
/// values. Confusables (a Cyrillic "а" in a Latin name) are not detected: a name is not an identity,
/// the number is.
/// </summary>
internal static class DisplayText
{
    /// <summary>Most combining marks allowed after one base character (real scripts stack three or four).</summary>
    public const int MaxCombiningRun = 8;

    /// <summary>Whether this process can normalise text: not in globalization-invariant mode (the cell needs ICU).</summary>
    public static bool CanNormalize { get; } = "e\u0301".Normalize(NormalizationForm.FormC) == "\u00e9";

    /// <summary>
    /// Checks <paramref name="text"/> for the field named <paramref name="field"/> (as the client
    /// writes it, e.g. "nickname"). Returns null and the normalised, trimmed text in
    /// <paramref name="normalized"/>, or the reason it is refused (naming the field).
    /// </summary>
    /// <param name="required">Whether empty (after trimming) is refused.</param>
    /// <param name="multiline">Whether line feeds are allowed (status text, details, request messages).</param>
    public static string? Check(string text, string field, int maxLength, out string normalized, bool required = false, bool multiline = false)
    {
        normalized = "";
        if (!CanNormalize)
        {
            return $"{field} cannot be checked: this server cannot normalise Unicode text";
        }

        // Bound the work before normalising: a scalar value is at most 2 UTF-16 units, and a
        // decomposed character a few scalar values that NFC composes again.
        if (text.Length > 8 * maxLength + 64)
        {
            return $"{field} is longer than {maxLength} characters";
        }

        if (multiline)
        {
            text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        }

        if (Refused(text, multiline) is { } problem)
        {
            return $"{field} {problem}";
        }

        var clean = text.Normalize(NormalizationForm.FormC).Trim();
        // Normalising composes; it cannot bring in a refused character, but a long combining run may remain.
        if (CombiningRunTooLong(clean))
        {
            return $"{field} has more than {MaxCombiningRun} combining marks in a row";
        }

        if (clean.Length == 0)
        {
            return required ? $"{field} is required" : Done(clean, out normalized);
        }

        if (!HasVisible(clean))
        {
            return $"{field} has nothing visible in it";
        }

        var length = clean.EnumerateRunes().Count();
        return length > maxLength ? $"{field} is longer than {maxLength} characters ({length})" : Done(clean, out normalized);
    }

    private static string? Done(string clean, out string normalized)
    {
        normalized = clean;
        return null;
    }

    /// <summary>Why the text is refused as it came, or null: names the first bad code point as U+XXXX.</summary>
    private static string? Refused(string text, bool multiline)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
            {
                return $"has a lone surrogate at position {i}";
            }

            if (BadCodePoint(rune, multiline) is { } what)
            {
                return $"may not contain {what} (U+{rune.Value:X4})";
            }

            i += used;
        }

        return null;
    }

    private static string? BadCodePoint(Rune rune, bool multiline)
    {
        var value = rune.Value;
        if (value == '\n')
        {
            return multiline ? null : "a line break";
        }

        if (IsNoncharacter(value))
        {
            return "a noncharacter";
        }

        switch (Rune.GetUnicodeCategory(rune))
        {
            case UnicodeCategory.Control:
                return "a control character";
            case UnicodeCategory.Format:
                return IsBidiControl(value) ? "a bidirectional control character" : "an invisible format character";
            case UnicodeCategory.LineSeparator:
            case UnicodeCategory.ParagraphSeparator:
                return "a line break";
            case UnicodeCategory.PrivateUse:
                return "a private-use character";
            case UnicodeCategory.Surrogate:
                return "a surrogate";
            case UnicodeCategory.OtherNotAssigned:
                return "an unassigned code point";
        }

        return IsInvisibleFiller(value) ? "an invisible filler character" : null;
    }

    /// <summary>Marks and overrides that reorder text (U+061C, U+200E-200F, U+202A-202E, U+2066-2069).</summary>
    private static bool IsBidiControl(int value) =>
        value is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    /// <summary>U+FDD0-FDEF and the last two code points of every plane.</summary>
    private static bool IsNoncharacter(int value) => value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE;

    /// <summary>Letters and marks that render as nothing: a name of them looks empty (or like someone else's).</summary>
    private static bool IsInvisibleFiller(int value) =>
        value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x2800 or 0x3164 or 0xFFA0;

    private static bool CombiningRunTooLong(string text)
    {
        var run = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            run = Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark ? run + 1 : 0;
            if (run > MaxCombiningRun)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>At least one letter, digit, symbol or punctuation: not only spaces and marks.</summary>
    private static bool HasVisible(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.SpaceSeparator or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark) && rune.Value != '\n')
            {
                return true;
            }
        }

        return false;
    }
}
