namespace ImCells.Cell.Messaging;

/// <summary>
/// How long the outbox forwarder leaves a target cell alone after failed deliveries: 200 ms after
/// the first failure, doubling with each further one up to 5 s; a delivery that goes through
/// clears it. Used only from the forwarder's loop, so no locking.
/// </summary>
internal sealed class OutboxBackoff(TimeProvider time)
{
    /// <summary>The longest a failing target waits between tries.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(10);
    private readonly Dictionary<string, (int Failures, DateTimeOffset RetryAt)> _targets = [];

    /// <summary>True while <paramref name="target"/> is still waiting out its last failure.</summary>
    public bool IsWaiting(string target) => _targets.TryGetValue(target, out var backoff) && backoff.RetryAt > time.GetUtcNow();

    /// <summary>Records a failed delivery to <paramref name="target"/>; returns how long it now waits.</summary>
    public TimeSpan RecordFailure(string target)
    {
        var failures = _targets.TryGetValue(target, out var b) ? b.Failures + 1 : 1;
        var delay = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
        _targets[target] = (failures, time.GetUtcNow() + delay);
        return delay;
    }

    /// <summary>Records a delivery that went through; true when <paramref name="target"/> had been failing.</summary>
    public bool RecordSuccess(string target) => _targets.Remove(target);

    /// <summary>How long an idle forwarder sleeps: until the soonest retry, at least 10 ms and at most <paramref name="idlePoll"/>.</summary>
    public TimeSpan NextWait(TimeSpan idlePoll)
    {
        var soonest = _targets.Count == 0 ? idlePoll : _targets.Values.Min(b => b.RetryAt) - time.GetUtcNow();
        return soonest < MinWait ? MinWait : soonest > idlePoll ? idlePoll : soonest;
    }
}
