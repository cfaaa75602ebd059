using System.Globalization;

namespace ImCells.Cli.Commands;

/// <summary>A slash command typed in `chat`: its name ("/read") and what follows it ("@M", "#G", "" or a bare number).</summary>
internal readonly record struct ChatSlash(string Name, string Argument)
{
    /// <summary>Every slash command, for /help.</summary>
    public static readonly IReadOnlyList<(string Usage, string What)> All =
    [
        ("@M text", "send text to user M"),
        ("#G text", "send text to group G"),
        ("/read", "mark every unread conversation and group read (their senders get a read receipt if your setting allows)"),
        ("/read M", "mark the conversation with user M read (also /read @M)"),
        ("/read #G", "mark group G read"),
        ("/unread", "what is unread now"),
        ("/away, /back", "set your presence"),
        ("/friends", "your friends and requests"),
        ("/help", "this list"),
        ("Ctrl-D, Ctrl-C", "quit"),
    ];

    /// <summary>False when the line does not start with "/".</summary>
    public static bool TryParse(string line, out ChatSlash slash)
    {
        slash = default;
        if (line.Length < 2 || line[0] != '/')
        {
            return false;
        }

        var space = line.IndexOf(' ', StringComparison.Ordinal);
        slash = space < 0 ? new ChatSlash(line, "") : new ChatSlash(line[..space], line[(space + 1)..].Trim());
        return true;
    }

    /// <summary>The target of "/read X": a user ("M" or "@M") or a group ("#G"); false when X is neither.</summary>
    public static bool TryTarget(string argument, out bool group, out ulong number)
    {
        group = argument.StartsWith('#');
        var digits = argument.StartsWith('#') || argument.StartsWith('@') ? argument[1..] : argument;
        return ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;
    }
}
