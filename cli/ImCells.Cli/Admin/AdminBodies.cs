using System.Text.Json;

namespace ImCells.Cli.Admin;

/// <summary>What GET /readyz says: "Healthy", "Degraded" or "Unhealthy", and each check's own word.</summary>
internal sealed record ReadyzBody(string Status, IReadOnlyDictionary<string, string> Checks)
{
    /// <summary>Parses {"status":"...","checks":{"name":"..." or {"status":"..."}}}; a body it cannot read gives "Unknown".</summary>
    public static ReadyzBody Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString()! : "Unknown";
            var checks = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("checks", out var c) && c.ValueKind == JsonValueKind.Object)
            {
                foreach (var check in c.EnumerateObject())
                {
                    checks[check.Name] = check.Value.ValueKind switch
                    {
                        JsonValueKind.String => check.Value.GetString()!,
                        JsonValueKind.Object when check.Value.TryGetProperty("status", out var inner) => inner.ToString(),
                        _ => check.Value.ToString(),
                    };
                }
            }

            return new ReadyzBody(status, checks);
        }
        catch (JsonException)
        {
            return new ReadyzBody("Unknown", new Dictionary<string, string>());
        }
    }

    /// <summary>The checks that are not healthy, as "name=Status" (empty when all are).</summary>
    public IEnumerable<string> Failing() =>
        Checks.Where(c => !c.Value.Equals("Healthy", StringComparison.OrdinalIgnoreCase)).Select(c => $"{c.Key}={c.Value}");
}

/// <summary>What GET /info says about the process.</summary>
internal sealed record InfoBody(string? Name, string? Role, string? Cell, int? Pid, DateTimeOffset? StartedAt, string? Version)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>Parses {"name","role","cell","pid","startedAt","version"}; null when it is not such an object.</summary>
    public static InfoBody? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<InfoBody>(json, Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
