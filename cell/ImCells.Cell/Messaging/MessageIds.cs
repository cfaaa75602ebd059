using System.Globalization;

namespace ImCells.Cell.Messaging;

/// <summary>
/// System-wide unique message ids: cell id + milliseconds + a counter, e.g. "a-193f0c2a1b2-4f1".
/// The counter starts at a random value so a restart within the same millisecond cannot repeat one.
/// </summary>
internal sealed class MessageIds(CellIdentity cell)
{
    private long _counter = Random.Shared.NextInt64(0, 1L << 40);

    public string Next(long nowMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{cell.Id}-{nowMs:x}-{Interlocked.Increment(ref _counter):x}");

    /// <summary>Ids of scheduled messages: the same scheme with an "s" mark.</summary>
    public string NextSchedule(long nowMs) =>
        string.Create(CultureInfo.InvariantCulture, $"{cell.Id}-s{nowMs:x}-{Interlocked.Increment(ref _counter):x}");
}
