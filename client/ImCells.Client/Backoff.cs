namespace ImCells.Client;

/// <summary>
/// Reconnect delays: 200 ms doubling to 5 s, each with ±20 % jitter so a cell that comes back is
/// not hit by all of its clients in the same instant.
/// </summary>
internal sealed class Backoff
{
    private static readonly TimeSpan First = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(5);

    private TimeSpan _next = First;

    public TimeSpan Next()
    {
        var delay = _next * (0.8 + (Random.Shared.NextDouble() * 0.4));
        _next = _next * 2 > Max ? Max : _next * 2;
        return delay;
    }
}
