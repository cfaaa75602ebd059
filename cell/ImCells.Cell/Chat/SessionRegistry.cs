using System.Collections.Concurrent;

namespace ImCells.Cell.Chat;

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

    public void Remove(ChatSession session)
    {
        while (_byUser.TryGetValue(session.UserId, out var existing))
        {
            if (Array.IndexOf(existing, session) < 0)
            {
                return;
            }

            var removed = existing.Length == 1
                ? _byUser.TryRemove(new KeyValuePair<ulong, ChatSession[]>(session.UserId, existing))
                : _byUser.TryUpdate(session.UserId, Array.FindAll(existing, e => e != session), existing);
            if (removed)
            {
                Interlocked.Decrement(ref _connections);
                return;
            }
        }
    }
}
