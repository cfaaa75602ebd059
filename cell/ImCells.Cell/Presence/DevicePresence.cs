namespace ImCells.Cell.Presence;

/// <summary>
/// "A device of a user homed here came online / went offline", wherever the device is attached
/// (a connection here, or a location update from a serving cell or chat server): the presence
/// state, the fan-out to friends, and the friend cache that lives only while the user is online.
/// </summary>
internal sealed class DevicePresence(PresenceTracker tracker, PresenceFanout fanout, FriendCache friendCache)
{
    public void Online(ulong user)
    {
        if (tracker.DeviceAttached(user) is { } change)
        {
            fanout.Publish(change);
        }
    }

    public void Offline(ulong user)
    {
        if (tracker.DeviceDetached(user) is { } change)
        {
            fanout.Publish(change);
            friendCache.Invalidate(user);
        }
    }
}
