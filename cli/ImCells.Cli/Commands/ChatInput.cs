using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ImCells.Cli.Commands;

/// <summary>
/// Where `chat` reads lines from, chosen so that the terminal never stops it. .NET's Console.In (and
/// ReadKey, KeyAvailable, Console.OpenStandardInput on a terminal) switches the terminal's mode with
/// tcsetattr before it reads; a process in the background that does so gets SIGTTOU and the shell
/// stops it ("Stopped (tty output)"), and a background read of the terminal gets SIGTTIN. So input is
/// read from descriptor 0 as a plain stream (the terminal's own line editing does the rest), and not
/// at all when the command is --quiet or was started in the background of its terminal.
/// </summary>
internal sealed class ChatInput
{
    private readonly StreamReader? _reader;

    private ChatInput(StreamReader? reader, bool fromTerminal)
    {
        _reader = reader;
        FromTerminal = fromTerminal;
    }

    /// <summary>False in quiet mode: nothing is read, the chat only prints until SIGINT or SIGTERM.</summary>
    public bool Reads => _reader is not null;

    /// <summary>Lines come from a terminal: end of input (Ctrl-D) quits. From a pipe or file it does not.</summary>
    public bool FromTerminal { get; }

    /// <summary>Quiet when asked, or when standard input is a terminal whose foreground is another process group.</summary>
    public static ChatInput Open(bool quiet)
    {
        var fromTerminal = !Console.IsInputRedirected;
        if (quiet || (fromTerminal && InBackground()))
        {
            return new ChatInput(null, fromTerminal);
        }

        // Descriptor 0 itself, not Console.OpenStandardInput: that one goes through Console's line reader on a terminal.
        var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 1);
        return new ChatInput(new StreamReader(stdin, new UTF8Encoding(false)), fromTerminal);
    }

    /// <summary>The next line; null at the end of input or once <paramref name="ct"/> is cancelled.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        if (_reader is null)
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null;
        }

        try
        {
            // A read of a terminal cannot be cancelled: wait on it from a pool thread, give up on quit.
            return await Task.Run(_reader.ReadLine, CancellationToken.None).WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Started with "&amp;" (or bg): the terminal's foreground process group is not ours. Only Unix
    /// has job control; elsewhere the answer is no.
    /// </summary>
    private static bool InBackground()
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var foreground = TcGetPgrp(0);
        return foreground < 0 || foreground != GetPgrp();
    }

    [DllImport("libc", EntryPoint = "tcgetpgrp")]
    private static extern int TcGetPgrp(int fd);

    [DllImport("libc", EntryPoint = "getpgrp")]
    private static extern int GetPgrp();
}
