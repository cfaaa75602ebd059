using System.Diagnostics;
using System.Text.Json.Nodes;
using ImCells.Protos.Topology;
using ImCells.Topology;

namespace ImCells.Bench;

/// <summary>Where the repository's data folder is, which login server to use, and where results go.</summary>
internal static class BenchEnvironment
{
    public const string DefaultLoginUrl = "http://127.0.0.1:7100";

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>IMCELLS_ROOT (set by the imcells script), else the nearest folder upwards holding ImCells.sln, else the current folder.</summary>
    public static string Root { get; } = FindRoot();

    public static string DataDirectory => Path.Combine(Root, "data");

    public static string ResultsFile => Path.Combine(DataDirectory, "bench-results.jsonl");

    /// <summary>--login, else the first login server of the repository's topology.json, else the default.</summary>
    public static string LoginUrl(BenchArgs args) =>
        args.String("login") ?? (LoadTopology()?.Login is { Count: > 0 } login ? login[0].Http : DefaultLoginUrl);

    /// <summary>The cells of the repository's topology.json that home users (have number ranges), in its order; else cell "a".</summary>
    public static IReadOnlyList<string> UserCells()
    {
        var cells = LoadTopology()?.Cells.Where(c => c.Ranges.Count > 0).Select(c => c.Id).ToList();
        return cells is { Count: > 0 } ? cells : ["a"];
    }

    /// <summary>The result line: what ran, when, on what machine, then the benchmark's own figures.</summary>
    public static JsonObject ResultLine(string bench, string[] commandArgs, JsonObject result)
    {
        var line = new JsonObject
        {
            ["bench"] = bench,
            ["command"] = "imcells bench " + string.Join(' ', commandArgs),
            ["at"] = DateTimeOffset.UtcNow.ToString("O"),
            ["machine"] = new JsonObject
            {
                ["cores"] = Environment.ProcessorCount,
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                ["runtime"] = Environment.Version.ToString(),
            },
            ["load_generator_cpu_seconds"] = Math.Round(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, 2),
        };
        foreach (var (key, value) in result)
        {
            line[key] = value?.DeepClone();
        }

        return line;
    }

    /// <summary>Prints the line as one line of JSON and appends it to data/bench-results.jsonl.</summary>
    public static void Publish(JsonObject line, TextWriter output)
    {
        var text = line.ToJsonString(JsonOptions);
        output.WriteLine(text);
        Directory.CreateDirectory(DataDirectory);
        File.AppendAllText(ResultsFile, text + "\n");
    }

    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public static double Round(double value, int digits = 1) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    // The repository's topology.json; null when it is missing or unreadable.
    private static TopologyMap? LoadTopology()
    {
        var topology = Path.Combine(Root, "topology.json");
        try
        {
            return File.Exists(topology) ? TopologyFile.Load(topology) : null;
        }
        catch (Exception e) when (e is IOException or TopologyException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("IMCELLS_ROOT") is { Length: > 0 } root)
        {
            return root;
        }

        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ImCells.sln")))
            {
                return dir.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }
}
