using System.Collections.Concurrent;
using ImCells.Cell.Delivery;
using CellProto = ImCells.Protos.Cell;

namespace ImCells.Cell.Presence;

/// <summary>
/// Presence of users homed in other cells, as their cells told us, for their friends homed here.
/// The home cell is authoritative for who may see it: each report names the watchers (friends the
/// user has not blocked), and a user here who is not among them sees the user offline without a
/// last-seen time, as a stranger would. ONLINE/AWAY is trusted for the sender's TTL only: a cell that
/// crashed stops refreshing, and its users turn offline here (the friends are told) when the TTL runs out.
/// </summary>
internal sealed class RemotePresence(Notifier notifier, TimeProvider time) : BackgroundService
{
    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();

    public void Apply(CellProto.PresenceBatchRequest batch)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var item in batch.Items)
        {
            var watchers = item.Watchers.Except(item.HiddenFrom).ToArray();
            var expires = Expiry(item.Presence, now, batch.TtlMs);
            var next = new Entry(item.Presence, item.LastSeenMs, expires, watchers);
            var previous = _entries.GetValueOrDefault(item.User);
            _entries[item.User] = next;
            foreach (var hidden in item.HiddenFrom)
            {
                notifier.Presence(hidden, item.User, Protos.Client.Presence.Offline, 0);
            }

            // A change is news to every watcher; a refresh only to those who did not see this state yet.
            var changed = !batch.Refresh || previous is null || previous.Presence != item.Presence;
            foreach (var watcher in watchers)
            {
                if (changed || !previous!.Watchers.Contains(watcher))
                {
                    notifier.Presence(watcher, item.User, next.Presence, next.LastSeenMs);
                }
            }
        }
    }

    /// <summary>Records a foreign user's presence learned outside a batch (a friendship just made) and tells <paramref name="watcher"/>.</summary>
    public void Seed(ulong user, Protos.Client.Presence presence, long lastSeenMs, TimeSpan ttl, ulong watcher)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        _entries.AddOrUpdate(user,
            _ => new Entry(presence, lastSeenMs, Expiry(presence, now, (long)ttl.TotalMilliseconds), [watcher]),
            (_, e) => new Entry(presence, lastSeenMs, Expiry(presence, now, (long)ttl.TotalMilliseconds), e.Watchers.Contains(watcher) ? e.Watchers : [.. e.Watchers, watcher]));
    }

    /// <summary>
    /// What we last heard of <paramref name="user"/>, as <paramref name="viewer"/> may see it: offline
    /// with no last-seen time when we heard nothing, or when the user's home cell did not name the viewer.
    /// </summary>
    public (Protos.Client.Presence Presence, long LastSeenMs) Get(ulong user, ulong viewer) =>
        _entries.TryGetValue(user, out var e) && e.Watchers.Contains(viewer) ? (e.Presence, e.LastSeenMs) : (Protos.Client.Presence.Offline, 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                ExpireDue();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Turns offline every ONLINE/AWAY whose TTL has run out by now and tells its watchers; returns those users.</summary>
    public List<ulong> ExpireDue()
    {
        var expired = new List<ulong>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var (user, entry) in _entries)
        {
            if (entry.ExpiresAtMs <= now)
            {
                var offline = entry with { Presence = Protos.Client.Presence.Offline, ExpiresAtMs = long.MaxValue };
                if (_entries.TryUpdate(user, offline, entry))
                {
                    foreach (var watcher in offline.Watchers)
                    {
                        notifier.Presence(watcher, user, offline.Presence, offline.LastSeenMs);
                    }

                    expired.Add(user);
                }
            }
        }

        return expired;
    }

    private static long Expiry(Protos.Client.Presence presence, long nowMs, long ttlMs) =>
        presence == Protos.Client.Presence.Offline ? long.MaxValue : nowMs + ttlMs;

    private sealed record Entry(Protos.Client.Presence Presence, long LastSeenMs, long ExpiresAtMs, ulong[] Watchers);
}
