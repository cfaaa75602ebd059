using ImCells.Protos.Client;

namespace ImCells.Cell.Presence;

/// <summary>A presence state that changed and must be told to the user's friends.</summary>
internal readonly record struct PresenceChange(ulong User, Protos.Client.Presence Presence, long LastSeenMs);

/// <summary>
/// Presence of this cell's users: online while any device is connected (away when the user says
/// so), offline when the last device is gone. Last-seen times are collected here and written in
/// batches by <see cref="LastSeenFlusher"/>, not once per event.
/// </summary>
internal sealed class PresenceTracker(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, (int Devices, bool Away)> _online = [];
    private readonly Dictionary<ulong, long> _lastSeen = [];
    private Dictionary<ulong, long> _dirty = [];

    public PresenceChange? DeviceAttached(ulong user)
    {
        lock (_lock)
        {
            var now = Touch(user);
            if (_online.TryGetValue(user, out var state))
            {
                _online[user] = (state.Devices + 1, state.Away);
                return null;
            }

            _online[user] = (1, false);
            return new PresenceChange(user, Protos.Client.Presence.Online, now);
        }
    }

    public PresenceChange? DeviceDetached(ulong user)
    {
        lock (_lock)
        {
            var now = Touch(user);
            if (!_online.TryGetValue(user, out var state))
            {
                return null;
            }

            if (state.Devices > 1)
            {
                _online[user] = (state.Devices - 1, state.Away);
                return null;
            }

            _online.Remove(user);
            return new PresenceChange(user, Protos.Client.Presence.Offline, now);
        }
    }

    /// <summary>Away or back; null when nothing changed or the user has no device here.</summary>
    public PresenceChange? SetAway(ulong user, bool away)
    {
        lock (_lock)
        {
            if (!_online.TryGetValue(user, out var state) || state.Away == away)
            {
                return null;
            }

            _online[user] = (state.Devices, away);
            return new PresenceChange(user, away ? Protos.Client.Presence.Away : Protos.Client.Presence.Online, Touch(user));
        }
    }

    public (Protos.Client.Presence Presence, long LastSeenMs) Get(ulong user)
    {
        lock (_lock)
        {
            var seen = _lastSeen.GetValueOrDefault(user);
            return _online.TryGetValue(user, out var state)
                ? (state.Away ? Protos.Client.Presence.Away : Protos.Client.Presence.Online, seen)
                : (Protos.Client.Presence.Offline, seen);
        }
    }

    /// <summary>Everyone online or away right now, for the periodic refresh to other cells.</summary>
    public List<PresenceChange> OnlineNow()
    {
        lock (_lock)
        {
            return _online.Select(o => new PresenceChange(o.Key, o.Value.Away ? Protos.Client.Presence.Away : Protos.Client.Presence.Online,
                _lastSeen.GetValueOrDefault(o.Key))).ToList();
        }
    }

    /// <summary>Last-seen times changed since the previous call.</summary>
    public Dictionary<ulong, long> TakeDirty()
    {
        lock (_lock)
        {
            var dirty = _dirty;
            _dirty = [];
            return dirty;
        }
    }

    private long Touch(ulong user)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        _lastSeen[user] = now;
        _dirty[user] = now;
        return now;
    }
}
