using System.Collections.Concurrent;

using ImCells.Cell.Chat;

namespace ImCells.Cell.Delivery;

/// <summary>Which connections each online user has on this chat server.</summary>
internal sealed class SessionRegistry
{
    private readonly ConcurrentDictionary<ulong, ChatSession[]> _byUser = new();
    private int _connections;

    public int Connections => Volatile.Read(ref _connections);

    public int OnlineUsers => _byUser.Count;

    public ReadOnlySpan<ChatSession> Get(ulong userId) =>
        _byUser.TryGetValue(userId, out var sessions) ? sessions : [];

    /// <summary>Adds the session; returns an older session of the same device, which the caller closes.</summary>
    public ChatSession? Add(ChatSession session)
    {
        ChatSession? replaced = null;
        _byUser.AddOrUpdate(session.UserId,
            static (_, s) => [s],
            (_, existing, s) =>
            {
                replaced = Array.Find(existing, e => e.DeviceId == s.DeviceId);
                return [.. existing, s];
            },
            session);
        Interlocked.Increment(ref _connections);
        return replaced;
    }

    /// <summary>Adds the session; an older connection of the same device is told it was replaced and closed.</summary>
    public void AddReplacing(ChatSession session, ILogger logger)
    {
        if (Add(session) is { } replaced)
        {
            SessionLog.Replaced(logger, session.UserId, session.DeviceId, replaced.ConnectionId);
            replaced.TryPush(new Protos.Client.Frame { Kicked = new Protos.Client.Kicked { Reason = "signed in again on this device" } });
            replaced.Abort();
        }
    }

    /// <summary>False when the session was not (or no longer) registered.</summary>
    public bool Remove(ChatSession session)
    {
        while (_byUser.TryGetValue(session.UserId, out var existing))
        {
            if (Array.IndexOf(existing, session) < 0)
            {
                return false;
            }

            var removed = existing.Length == 1
                ? _byUser.TryRemove(new KeyValuePair<ulong, ChatSession[]>(session.UserId, existing))
                : _byUser.TryUpdate(session.UserId, Array.FindAll(existing, e => e != session), existing);
            if (removed)
            {
                Interlocked.Decrement(ref _connections);
                return true;
            }
        }

        return false;
    }

    /// <summary>Every connection of a user homed elsewhere (a visitor).</summary>
    public List<ChatSession> Visitors(string cellId) =>
        _byUser.Values.SelectMany(s => s).Where(s => s.HomeCell != cellId).ToList();

    /// <summary>Online users by where they are homed: here, or visitors from other cells.</summary>
    public (int HomeUsers, List<ulong> Visitors) CountByHome(string cellId)
    {
        var home = 0;
        var visitors = new List<ulong>();
        foreach (var (user, sessions) in _byUser)
        {
            if (sessions.Any(s => s.HomeCell == cellId))
            {
                home++;
            }

            if (sessions.Any(s => s.HomeCell != cellId))
            {
                visitors.Add(user);
            }
        }

        return (home, visitors);
    }
}
