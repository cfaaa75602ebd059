using System.Globalization;

namespace ImCells.Cli.Admin;

/// <summary>
/// The samples of a Prometheus text exposition (GET /metrics): "name{label="v",...} value [timestamp]"
/// per line; comments (# HELP, # TYPE) and lines that do not parse are skipped.
/// </summary>
internal sealed class PrometheusText
{
    private readonly List<Sample> _samples;

    private PrometheusText(List<Sample> samples) => _samples = samples;

    public IReadOnlyList<Sample> Samples => _samples;

    public static PrometheusText Parse(string text)
    {
        var samples = new List<Sample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (TryParseLine(line) is { } sample)
            {
                samples.Add(sample);
            }
        }

        return new PrometheusText(samples);
    }

    /// <summary>The sum of every sample named <paramref name="name"/> (whatever its labels); null when there is none.</summary>
    public double? Sum(string name)
    {
        var matching = _samples.Where(s => s.Name == name).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    private static Sample? TryParseLine(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var nameEnd = line.IndexOfAny(['{', ' ', '\t']);
        if (nameEnd <= 0)
        {
            return null;
        }

        var name = line[..nameEnd];
        var rest = nameEnd;
        if (line[nameEnd] == '{')
        {
            var close = ParseLabels(line, nameEnd + 1, labels);
            if (close < 0)
            {
                return null;
            }

            rest = close + 1;
        }

        var fields = line[rest..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 1 && TryParseValue(fields[0], out var value) ? new Sample(name, labels, value) : null;
    }

    /// <summary>Reads label="value" pairs up to the closing brace; returns its index, -1 when malformed.</summary>
    private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
    {
        var i = at;
        while (i < line.Length)
        {
            while (i < line.Length && line[i] is ' ' or ',')
            {
                i++;
            }

            if (i < line.Length && line[i] == '}')
            {
                return i;
            }

            var eq = line.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
            {
                return -1;
            }

            var key = line[i..eq].Trim();
            var value = new System.Text.StringBuilder();
            var j = eq + 2;
            for (; j < line.Length && line[j] != '"'; j++)
            {
                if (line[j] == '\\' && j + 1 < line.Length)
                {
                    j++;
                    value.Append(line[j] == 'n' ? '\n' : line[j]);
                }
                else
                {
                    value.Append(line[j]);
                }
            }

            if (j >= line.Length)
            {
                return -1;
            }

            labels[key] = value.ToString();
            i = j + 1;
        }

        return -1;
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);
}
