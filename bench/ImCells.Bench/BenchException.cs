namespace ImCells.Bench;

/// <summary>
/// A benchmark cannot go on; the message is for the user. A failure of the run (an unreachable
/// cluster, a refused login) exits 1; a usage error or a refusal to start (<see cref="Usage"/>) exits 2.
/// </summary>
internal sealed class BenchException(string message, Exception? inner = null, int exitCode = BenchExitCodes.Failed, bool badOptions = false)
    : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The options were wrong: worth pointing at --help.</summary>
    public bool IsUsage { get; } = badOptions;

    /// <summary>Bad or missing options: exit 2.</summary>
    public static BenchException Usage(string message, Exception? inner = null) => new(message, inner, BenchExitCodes.Usage, badOptions: true);

    /// <summary>A run the bench will not start as asked (the message says what to do instead): exit 2.</summary>
    public static BenchException Refusal(string message) => new(message, exitCode: BenchExitCodes.Usage);
}
