namespace ImCells.Cell;

/// <summary>Limits and timers of the client protocol. Bound from the "Chat" configuration section.</summary>
public sealed class ChatOptions
{
    /// <summary>Largest frame body accepted from a client (default 64 KiB).</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Largest message text in UTF-8 bytes (default 16 KiB).</summary>
    public int MaxTextBytes { get; set; } = 16 * 1024;

    /// <summary>Seconds a new connection has to send its Auth frame (default 10).</summary>
    public int AuthTimeoutSeconds { get; set; } = 10;

    /// <summary>The client's ping interval; a connection silent for 3 of them is closed (default 30).</summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>Frames queued for one connection before it counts as a slow reader and is closed (default 4096).</summary>
    public int MaxPendingFrames { get; set; } = 4096;

    /// <summary>Requests per second one connection may make on average, bursts up to twice that; 0 turns the limit off (default 200).</summary>
    public int MaxRequestsPerSecond { get; set; } = 200;

    /// <summary>Most messages one Sync returns (default 500).</summary>
    public int MaxSyncBatch { get; set; } = 500;

    public TimeSpan AuthTimeout => TimeSpan.FromSeconds(AuthTimeoutSeconds);

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(HeartbeatSeconds * 3);

    public void Validate()
    {
        if (MaxFrameBytes < 1024 || AuthTimeoutSeconds < 1 || HeartbeatSeconds < 1 || MaxPendingFrames < 16 || MaxSyncBatch < 1
            || MaxTextBytes < 1 || MaxTextBytes > MaxFrameBytes)
        {
            throw new InvalidOperationException(
                "Chat options out of range: MaxFrameBytes >= 1024, MaxTextBytes in 1..MaxFrameBytes, AuthTimeoutSeconds >= 1, HeartbeatSeconds >= 1, MaxPendingFrames >= 16, MaxSyncBatch >= 1");
        }
    }
}
