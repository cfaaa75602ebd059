namespace ImCells.ClusterHost;

/// <summary>
/// What to run: a name for logs and look-ups ("master", "cell a"), the program and its arguments,
/// extra environment variables and the working folder. Restarting a process starts its spec again.
/// </summary>
public sealed record ProcessSpec(string Name, string FileName, IReadOnlyList<string> Arguments)
{
    /// <summary>Added to (or replacing) the variables inherited from this process.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The child's current folder; null inherits ours.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Give the child a standard input that stays open until it is closed or the child stops.</summary>
    public bool OpenStandardInput { get; init; }

    /// <summary>Runs a built .NET program: <c>dotnet &lt;dll&gt; &lt;arguments&gt;</c>, with the dotnet host we run under.</summary>
    public static ProcessSpec Dotnet(string name, string dll, IEnumerable<string> arguments) =>
        new(name, DotnetHost.Path, [dll, .. arguments]);

    /// <summary>This spec with more environment variables.</summary>
    public ProcessSpec WithEnvironment(IEnumerable<KeyValuePair<string, string>> variables)
    {
        var merged = new Dictionary<string, string>(Environment);
        foreach (var (key, value) in variables)
        {
            merged[key] = value;
        }

        return this with { Environment = merged };
    }

    public override string ToString() => $"{FileName} {string.Join(' ', Arguments)}";
}
