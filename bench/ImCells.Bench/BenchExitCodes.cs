namespace ImCells.Bench;

/// <summary>What the bench's exit code says (docs/PERFORMANCE.md, "Exit codes").</summary>
internal static class BenchExitCodes
{
    /// <summary>The run completed and every message is accounted for, whatever the latency.</summary>
    public const int Completed = 0;

    /// <summary>Messages were lost, duplicated or reordered, requests failed, or the run could not finish.</summary>
    public const int Failed = 1;

    /// <summary>A usage error, or a run the bench refuses to start (e.g. registering users at the default password cost).</summary>
    public const int Usage = 2;

    /// <summary>Only with --gate: the run completed cleanly but missed a target (p99, rate, bytes per connection, storm time).</summary>
    public const int TargetMissed = 3;

    /// <summary>Stopped by Ctrl-C, SIGTERM or --timeout before a result.</summary>
    public const int Stopped = 130;
}
