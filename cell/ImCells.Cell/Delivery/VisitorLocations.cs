using ImCells.Registry.Hlr;

namespace ImCells.Cell.Delivery;

/// <summary>
/// At a home cell: which devices of its users are attached in other cells (the HLR location
/// register, kept in memory for routing and written through to the database). A location that
/// its serving cell stops refreshing expires; one cancelled by a logout stays cancelled.
/// </summary>
internal sealed class VisitorLocations(LocationStore store, TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Dictionary<string, Entry>> _byUser = [];

    // Locations a logout cancelled, until their serving place attaches the device again or stops
    // naming it in its refreshes: a refresh sent before it closed the session must not bring one back.
    private readonly HashSet<(ulong User, string Device, string ServingCell)> _loggedOut = [];

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        foreach (var location in await store.AllAsync(cancellationToken))
        {
            lock (_lock)
            {
                Devices(location.UserId)[location.DeviceId] = new Entry(location, now);
            }
        }
    }

    /// <summary>Records a location update; false when this device was already attached there (a refresh after a home restart).</summary>
    public async Task<bool> AttachAsync(DeviceLocationRecord location, CancellationToken cancellationToken)
    {
        await store.SetAsync(location, cancellationToken);
        lock (_lock)
        {
            _loggedOut.Remove((location.UserId, location.DeviceId, location.ServingCell));
            var devices = Devices(location.UserId);
            var known = devices.TryGetValue(location.DeviceId, out var old) && old.Location.ServingCell == location.ServingCell;
            devices[location.DeviceId] = new Entry(known ? old!.Location : location, Now);
            return !known;
        }
    }

    /// <summary>Cancels a location if it still names <paramref name="servingCell"/>; true when it did.</summary>
    public async Task<bool> DetachAsync(ulong user, string device, string servingCell, CancellationToken cancellationToken)
    {
        bool removed;
        lock (_lock)
        {
            removed = _byUser.TryGetValue(user, out var devices)
                && devices.TryGetValue(device, out var entry) && entry.Location.ServingCell == servingCell
                && devices.Remove(device);
            if (removed && devices!.Count == 0)
            {
                _byUser.Remove(user);
            }
        }

        await store.ClearAsync(user, device, servingCell, cancellationToken);
        return removed;
    }

    /// <summary>
    /// Cancels the locations of the user's devices (null: every device) because their tokens were
    /// revoked; returns the cancelled ones. Refreshes do not bring them back; an attach does.
    /// </summary>
    public async Task<List<DeviceLocationRecord>> CancelLoggedOutAsync(ulong user, string? device, CancellationToken cancellationToken)
    {
        List<DeviceLocationRecord> cancelled;
        lock (_lock)
        {
            if (!_byUser.TryGetValue(user, out var devices))
            {
                return [];
            }

            cancelled = devices.Values.Select(e => e.Location).Where(l => device is null || l.DeviceId == device).ToList();
            foreach (var location in cancelled)
            {
                devices.Remove(location.DeviceId);
                _loggedOut.Add((user, location.DeviceId, location.ServingCell));
            }

            if (devices.Count == 0)
            {
                _byUser.Remove(user);
            }
        }

        foreach (var location in cancelled)
        {
            await store.ClearAsync(user, location.DeviceId, location.ServingCell, cancellationToken);
        }

        return cancelled;
    }

    public bool IsAttached(ulong user, string device, string servingCell)
    {
        lock (_lock)
        {
            return _byUser.TryGetValue(user, out var devices) && devices.TryGetValue(device, out var e) && e.Location.ServingCell == servingCell;
        }
    }

    /// <summary>
    /// Marks the given devices as alive at <paramref name="servingCell"/>; returns the ones not known
    /// (to attach again), except those a logout cancelled.
    /// </summary>
    public List<(ulong User, string Device)> Refresh(string servingCell, IEnumerable<(ulong User, string Device)> devices)
    {
        var unknown = new List<(ulong, string)>();
        var named = new HashSet<(ulong, string, string)>();
        var now = Now;
        lock (_lock)
        {
            foreach (var (user, device) in devices)
            {
                if (_byUser.TryGetValue(user, out var map) && map.TryGetValue(device, out var entry) && entry.Location.ServingCell == servingCell)
                {
                    map[device] = entry with { RefreshedMs = now };
                }
                else if (_loggedOut.Contains((user, device, servingCell)))
                {
                    named.Add((user, device, servingCell));
                }
                else
                {
                    unknown.Add((user, device));
                }
            }

            // The serving place no longer holds a session the logout closed: nothing left to guard.
            _loggedOut.RemoveWhere(l => l.ServingCell == servingCell && !named.Contains(l));
        }

        return unknown;
    }

    /// <summary>Locations whose serving cell has not refreshed them within <paramref name="ttl"/>.</summary>
    public List<DeviceLocationRecord> Stale(TimeSpan ttl)
    {
        var limit = Now - (long)ttl.TotalMilliseconds;
        lock (_lock)
        {
            return _byUser.Values.SelectMany(d => d.Values).Where(e => e.RefreshedMs < limit).Select(e => e.Location).ToList();
        }
    }

    /// <summary>The serving cells a user's roaming devices are attached to.</summary>
    public string[] ServingCellsOf(ulong user)
    {
        lock (_lock)
        {
            return _byUser.TryGetValue(user, out var devices) ? devices.Values.Select(e => e.Location.ServingCell).Distinct().ToArray() : [];
        }
    }

    public List<DeviceLocationRecord> Of(ulong user)
    {
        lock (_lock)
        {
            return _byUser.TryGetValue(user, out var devices) ? devices.Values.Select(e => e.Location).ToList() : [];
        }
    }

    public bool HasAny
    {
        get
        {
            lock (_lock)
            {
                return _byUser.Count > 0;
            }
        }
    }

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    private Dictionary<string, Entry> Devices(ulong user)
    {
        if (!_byUser.TryGetValue(user, out var devices))
        {
            devices = [];
            _byUser[user] = devices;
        }

        return devices;
    }

    private sealed record Entry(DeviceLocationRecord Location, long RefreshedMs);
}
