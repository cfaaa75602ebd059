using System.Reflection;
using System.Text.Json;

namespace ImCells.Server.Observability;

/// <summary>What /info says about this process: who it is, since when, which build.</summary>
/// <param name="Name">As the operator and `imcells status` name it: "master", "login 1", "cell a", "chat a#1".</param>
/// <param name="Role">master, login, cell or chat.</param>
/// <param name="Cell">The cell id for a cell or one of its chat servers; null otherwise.</param>
public sealed record ProcessInfo(string Name, string Role, string? Cell)
{
    /// <summary>For the admin endpoint's JSON: "+" and "'" as they are (the answer is JSON for tools, never embedded in HTML).</summary>
    internal static readonly JsonWriterOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public int Pid { get; } = Environment.ProcessId;

    public DateTimeOffset StartedAt { get; } = ProcessStart();

    public string Version { get; } =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? Assembly.GetEntryAssembly()?.GetName().Version?.ToString() ?? "unknown";

    private static DateTimeOffset ProcessStart()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return new DateTimeOffset(process.StartTime.ToUniversalTime(), TimeSpan.Zero);
    }

    /// <summary>{"name":..,"role":..,"cell":.. (when set),"pid":..,"startedAt":"ISO-8601 UTC","version":..}</summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("name", Name);
        json.WriteString("role", Role);
        if (Cell is not null)
        {
            json.WriteString("cell", Cell);
        }

        json.WriteNumber("pid", Pid);
        json.WriteString("startedAt", StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteString("version", Version);
        json.WriteEndObject();
    }
}
