using System.Globalization;

namespace ImCells.Cli;

/// <summary>
/// The options of one command as its body reads them. <see cref="CommandLine.CommandBuilder"/> fills it
/// from System.CommandLine; <see cref="Parse"/> is a small hand parser ("--name value", "--name=value",
/// bare flags, repeated options, words) for argument lists handed on whole. Anything not declared is a
/// usage error, so typos do not pass silently.
/// </summary>
internal sealed class CliArgs
{
    private readonly Dictionary<string, string> _values;
    private readonly Dictionary<string, List<string>> _repeated;
    private readonly HashSet<string> _flags;
    private readonly List<string> _positionals;

    private CliArgs()
        : this(new(StringComparer.Ordinal), new(StringComparer.Ordinal), new(StringComparer.Ordinal), [])
    {
    }

    /// <summary>Values already parsed (by System.CommandLine, see <see cref="CommandLine.CommandBuilder"/>).</summary>
    internal CliArgs(Dictionary<string, string> values, Dictionary<string, List<string>> repeated, HashSet<string> flags, IEnumerable<string> positionals)
    {
        _values = values;
        _repeated = repeated;
        _flags = flags;
        _positionals = [.. positionals];
    }

    /// <param name="valueOptions">Options that take a value, e.g. "--user".</param>
    /// <param name="flagOptions">Options that stand alone, e.g. "--json".</param>
    /// <param name="repeatableOptions">Value options that may be given more than once, e.g. "--detail".</param>
    /// <param name="maxPositionals">How many words that are not options the command takes.</param>
    public static CliArgs Parse(
        IReadOnlyList<string> args,
        IReadOnlyCollection<string> valueOptions,
        IReadOnlyCollection<string>? flagOptions = null,
        IReadOnlyCollection<string>? repeatableOptions = null,
        int maxPositionals = 0)
    {
        var parsed = new CliArgs();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (parsed._positionals.Count >= maxPositionals)
                {
                    throw new UsageException($"unexpected argument '{arg}'");
                }

                parsed._positionals.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? arg[..equals] : arg;
            if (flagOptions?.Contains(name) == true && equals < 0)
            {
                parsed._flags.Add(name);
                continue;
            }

            var repeatable = repeatableOptions?.Contains(name) == true;
            if (!valueOptions.Contains(name) && !repeatable)
            {
                throw new UsageException($"unknown option '{name}'");
            }

            string value;
            if (equals > 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"{name} needs a value");
            }

            if (repeatable)
            {
                parsed.AddRepeated(name, value);
            }
            else if (!parsed._values.TryAdd(name, value))
            {
                throw new UsageException($"{name} given twice");
            }
        }

        return parsed;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The words that are not options, in order.</summary>
    public IReadOnlyList<string> Positionals => _positionals;

    /// <summary>Every value of a repeatable option, in order; empty when it was not given.</summary>
    public IReadOnlyList<string> All(string name) => _repeated.TryGetValue(name, out var values) ? values : [];

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new UsageException($"{name} is required");

    public ulong RequiredUInt64(string name) => ParseUInt64(name, Required(name));

    public ulong? OptionalUInt64(string name) => Optional(name) is { } value ? ParseUInt64(name, value) : null;

    /// <summary>A comma-separated list of numbers, e.g. "--members 1,2,3".</summary>
    public IReadOnlyList<ulong> RequiredUInt64List(string name) => ParseUInt64List(name, Required(name));

    /// <summary>Like <see cref="RequiredUInt64List"/>, empty when the option was not given.</summary>
    public IReadOnlyList<ulong> OptionalUInt64List(string name) => Optional(name) is { } value ? ParseUInt64List(name, value) : [];

    public uint? OptionalUInt32(string name) =>
        Optional(name) is { } value
            ? uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? number
                : throw new UsageException($"{name} must be an integer from 0 to {uint.MaxValue}, not '{value}'")
            : null;

    public TimeSpan? OptionalSeconds(string name)
    {
        if (Optional(name) is not { } value)
        {
            return null;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
               && seconds >= 0 && seconds <= int.MaxValue
            ? TimeSpan.FromSeconds(seconds)
            : throw new UsageException($"{name} must be a number of seconds, not '{value}'");
    }

    private void AddRepeated(string name, string value)
    {
        if (!_repeated.TryGetValue(name, out var values))
        {
            _repeated[name] = values = [];
        }

        values.Add(value);
    }

    private static List<ulong> ParseUInt64List(string name, string value) =>
        value.Split(',', StringSplitOptions.TrimEntries).Select(number => ParseUInt64(name, number)).ToList();

    private static ulong ParseUInt64(string name, string value) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new UsageException($"{name} must be a non-negative integer, not '{value}'");
}
