namespace ImCells.Cli.Up;

/// <summary>
/// How long `up` waits before starting a crashed process again: 0.5 s, then twice as long after each
/// crash in a row (1, 2, 4, 8 s) up to <see cref="Cap"/>. A process that stayed up for
/// <see cref="Steady"/> before it crashed starts the count again, so one crash a day waits 0.5 s.
/// </summary>
internal sealed class RestartBackoff
{
    public static readonly TimeSpan First = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan Cap = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan Steady = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _inARow = new(StringComparer.Ordinal);

    /// <summary>The attempt number (from 1) and the wait before it, for <paramref name="name"/> that ran for <paramref name="ranFor"/>.</summary>
    public (int Attempt, TimeSpan Delay) Next(string name, TimeSpan ranFor)
    {
        lock (_lock)
        {
            var attempt = ranFor >= Steady ? 1 : _inARow.GetValueOrDefault(name) + 1;
            _inARow[name] = attempt;
            return (attempt, Delay(attempt));
        }
    }

    public static TimeSpan Delay(int attempt) =>
        TimeSpan.FromTicks(Math.Min(Cap.Ticks, First.Ticks * (1L << Math.Min(attempt - 1, 20))));
}
