using System.Text.Json;
using System.Text.Json.Serialization;
using ImCells.Trust;

namespace ImCells.Cli.Up;

/// <summary>One process that `up` runs, as data/up.json lists it for `imcells status`.</summary>
internal sealed record UpProcess(
    string Name,
    string Role,
    string? Cell,
    int Pid,
    DateTimeOffset StartedAt,
    int Restarts,
    IReadOnlyDictionary<string, string> Endpoints,
    string Admin);

/// <summary>
/// What a running `imcells up` writes for `imcells status` (default data/up.json, owner-only: it
/// names every admin endpoint): who runs, since when, how often restarted, where each answers.
/// Rewritten whole (one rename) at every start and restart; deleted when `up` stops cleanly.
/// </summary>
internal sealed record UpState(int UpPid, DateTimeOffset StartedAt, string Topology, string Profile, IReadOnlyList<UpProcess> Processes)
{
    public const string DefaultFile = "up.json";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Write(string path)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only from the first byte: it names every admin endpoint.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temp, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
        {
            writer.Write(JsonSerializer.Serialize(this, Options) + "\n");
        }

        PrivateFiles.RestrictToOwner(temp);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>True while the `up` that wrote this state runs.</summary>
    public bool UpRuns()
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(UpPid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>The state at <paramref name="path"/>; null when there is none; a CliException when it cannot be read.</summary>
    public static UpState? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<UpState>(File.ReadAllText(path), Options)
                   ?? throw new CliException($"{path} is empty");
        }
        catch (JsonException e)
        {
            throw new CliException($"{path} is not the state of `imcells up`: {e.Message}");
        }
    }
}
