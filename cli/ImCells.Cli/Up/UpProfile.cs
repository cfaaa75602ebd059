using System.Globalization;

namespace ImCells.Cli.Up;

/// <summary>
/// What kind of cluster `up` runs. "default": the servers' own settings. "bench": passwords hashed
/// with a low PBKDF2 cost (Hlr:PasswordIterations), so a benchmark that registers and logs in
/// thousands of users measures the chat path rather than the password hash, and login's per-source
/// limits off (every client of the load generator comes from one address). Never for real users.
/// </summary>
internal sealed record UpProfile(string Name, IReadOnlyList<string> CellArguments, IReadOnlyList<string> LoginArguments, string? Notice)
{
    public const string Option = "--profile";

    /// <summary>PBKDF2 iterations under the bench profile (the lowest the cells accept).</summary>
    public const int BenchPasswordIterations = 1000;

    /// <summary>The cells' default (registry HlrOptions.PasswordIterations).</summary>
    public const int DefaultPasswordIterations = 600_000;

    public static readonly UpProfile Default = new("default", [], [], null);

    public static readonly UpProfile Bench = new(
        "bench",
        [string.Create(CultureInfo.InvariantCulture, $"--Hlr:PasswordIterations={BenchPasswordIterations}")],
        ["--Login:SourceLoginsPerMinute=0", "--Login:SourceRegistrationsPerHour=0"],
        string.Create(CultureInfo.InvariantCulture,
            $"profile bench: passwords hashed with PBKDF2 {BenchPasswordIterations} iterations (default {DefaultPasswordIterations}) and no per-source login limits — for benchmarks only, not for real users"));

    public static UpProfile Named(string? name) => name switch
    {
        null or "default" => Default,
        "bench" => Bench,
        _ => throw new UsageException($"{Option} '{name}': use default or bench"),
    };
}
