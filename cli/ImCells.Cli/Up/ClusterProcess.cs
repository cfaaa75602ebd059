using ImCells.ClusterHost;

namespace ImCells.Cli.Up;

/// <summary>
/// One process of the cluster as `up` runs it: its spec (the same arguments at every restart), its
/// role and cell, the endpoints it serves (kind: "grpc", "login", "chat") and its admin URL.
/// </summary>
internal sealed record ClusterProcess(ProcessSpec Spec, string Role, string? Cell, IReadOnlyList<KeyValuePair<string, string>> Endpoints, string Admin)
{
    public string Name => Spec.Name;

    /// <summary>"grpc https://…  chat tls://…  admin http://…" for the lines `up` prints.</summary>
    public string Describe() =>
        string.Join("  ", Endpoints.Select(e => $"{e.Key} {e.Value}")) + $"  admin {Admin}";

    /// <summary>The endpoints grouped by kind, as the state file lists them ("chat" may hold several, comma-separated).</summary>
    public IReadOnlyDictionary<string, string> EndpointMap() =>
        Endpoints.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => string.Join(",", g.Select(e => e.Value)), StringComparer.Ordinal);
}
