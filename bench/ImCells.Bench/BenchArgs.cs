using System.Globalization;

namespace ImCells.Bench;

/// <summary>"--name value" and "--flag" options after the subcommand; unknown options are refused.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public BenchArgs(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length < 3)
            {
                throw BenchException.Usage($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            if (flags.Contains(name))
            {
                _values[name] = null;
                continue;
            }

            _values[name] = e.MoveNext() ? e.Current : throw BenchException.Usage($"--{name} needs a value");
        }
    }

    public bool Has(string name)
    {
        _used.Add(name);
        return _values.ContainsKey(name);
    }

    public string? String(string name)
    {
        _used.Add(name);
        return _values.TryGetValue(name, out var v) ? v : null;
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback, int min = 0, int max = int.MaxValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw BenchException.Usage($"--{name} must be an integer in {min}..{max}, got '{text}'");
    }

    public double Double(string name, double fallback, double min = 0)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min
            ? v
            : throw BenchException.Usage($"--{name} must be a number >= {min}, got '{text}'");
    }

    /// <summary>Call after reading every option: anything not asked for is a typo.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw BenchException.Usage($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }
}
