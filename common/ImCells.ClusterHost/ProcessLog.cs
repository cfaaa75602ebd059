using System.Globalization;
using System.Text;

namespace ImCells.ClusterHost;

/// <summary>
/// The interleaved output of a set of processes, one "[name] line" per line. Kept in memory up
/// to <c>capacity</c> lines (the oldest are dropped), optionally appended to a file (everything,
/// for a post-mortem) and optionally echoed (how <c>imcells up</c> prints its children). Meant for
/// diagnostics, not for deciding outcomes: tests dump it when they fail.
/// </summary>
public sealed class ProcessLog : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Queue<(long Number, string Line)> _lines = new();
    private readonly int _capacity;
    private readonly Action<string>? _echo;
    private readonly DateTime _start = DateTime.UtcNow;
    private StreamWriter? _file;
    private long _next;

    /// <param name="capacity">Lines kept in memory; 0 keeps none.</param>
    /// <param name="filePath">A file that gets every line, with the time since the log began; null for none.</param>
    /// <param name="echo">Called with every line as it arrives (under a lock, so lines never interleave).</param>
    public ProcessLog(int capacity = 20_000, string? filePath = null, Action<string>? echo = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
        _echo = echo;
        FilePath = filePath;
        if (filePath is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(filePath))!);
            _file = new StreamWriter(new FileStream(filePath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        }
    }

    public string? FilePath { get; }

    /// <summary>Records (and echoes) one line of output of <paramref name="source"/>, a process name.</summary>
    public void Write(string source, string line) => Append($"[{source}] {line}", echo: true);

    /// <summary>
    /// Records a line about the processes rather than from them ("started cell a (pid 42)"), under
    /// "[<paramref name="source"/>]"; it is kept and written to the file but not echoed.
    /// </summary>
    public void Note(string line, string source = "host") => Append($"[{source}] {line}", echo: false);

    private void Append(string text, bool echo)
    {
        lock (_lock)
        {
            if (echo)
            {
                _echo?.Invoke(text);
            }

            _file?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(DateTime.UtcNow - _start).TotalSeconds,8:0.000} {text}"));
            if (_capacity > 0)
            {
                _lines.Enqueue((_next, text));
                if (_lines.Count > _capacity)
                {
                    _lines.Dequeue();
                }
            }

            _next++;
        }
    }

    /// <summary>A position to dump from later: lines written after this call.</summary>
    public long Mark()
    {
        lock (_lock)
        {
            return _next;
        }
    }

    /// <summary>The lines since <paramref name="mark"/> still in memory, saying so when older ones were dropped.</summary>
    public string Dump(long mark = 0)
    {
        var text = new StringBuilder();
        lock (_lock)
        {
            var first = _lines.Count > 0 ? _lines.Peek().Number : _next;
            if (first > mark)
            {
                text.Append(CultureInfo.InvariantCulture, $"({first - mark} earlier lines dropped from memory")
                    .Append(FilePath is null ? ")" : $"; all of them are in {FilePath})").AppendLine();
            }

            foreach (var (number, line) in _lines)
            {
                if (number >= mark)
                {
                    text.AppendLine(line);
                }
            }
        }

        return text.ToString();
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
