namespace ImCells.Client;

/// <summary>
/// The last <c>capacity</c> keys seen, to drop a notify that comes twice (a group entry pushed to this
/// device again after a reconnect) without keeping every key for ever. Thread-safe.
/// </summary>
internal sealed class RecentSet<T>(int capacity)
    where T : notnull
{
    private readonly HashSet<T> _keys = [];
    private readonly Queue<T> _order = new();
    private readonly Lock _lock = new();

    /// <summary>False when <paramref name="key"/> is among the recent ones already.</summary>
    public bool Add(T key)
    {
        lock (_lock)
        {
            if (!_keys.Add(key))
            {
                return false;
            }

            _order.Enqueue(key);
            if (_order.Count > capacity)
            {
                _keys.Remove(_order.Dequeue());
            }

            return true;
        }
    }
}
