using ImCells.Protos;
using Microsoft.Extensions.Options;

namespace ImCells.Cell;

/// <summary>Limits and timers of the client protocol. Bound from the "Chat" configuration section, checked at start.</summary>
public sealed class ChatOptions
{
    public const string Section = "Chat";

    /// <summary>The largest Chat:MaxTextBytes (256 KiB): one message of any allowed size fits in a response frame.</summary>
    public const int MaxTextBytesCeiling = 256 * 1024;

    /// <summary>The smallest Chat:MaxPendingBytes: two of the largest frames a server sends.</summary>
    public const int MinPendingBytes = 2 * FrameCodec.MaxServerFrameBytes;

    /// <summary>Largest frame body accepted from a client, at least 1024 (default 64 KiB).</summary>
    public int MaxFrameBytes { get; set; } = 64 * 1024;

    /// <summary>Largest message text in UTF-8 bytes, 1..MaxFrameBytes and at most 256 KiB (default 16 KiB).</summary>
    public int MaxTextBytes { get; set; } = 16 * 1024;

    /// <summary>Seconds a new connection has to send its Auth frame, at least 1 (default 10).</summary>
    public int AuthTimeoutSeconds { get; set; } = 10;

    /// <summary>The client's ping interval; a connection silent for 3 of them is closed. At least 1 (default 30).</summary>
    public int HeartbeatSeconds { get; set; } = 30;

    /// <summary>Frames queued for one connection before it counts as a slow reader and is closed, at least 16 (default 4096).</summary>
    public int MaxPendingFrames { get; set; } = 4096;

    /// <summary>
    /// Bytes of frames queued for one connection and not yet taken by the transport before it counts
    /// as a slow reader and is closed; at least 2 MiB (default 4 MiB).
    /// </summary>
    public int MaxPendingBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Requests per second one connection may make on average, bursts up to twice that; 0 turns the limit off (default 200).</summary>
    public int MaxRequestsPerSecond { get; set; } = 200;

    /// <summary>Most messages one Sync returns, at least 1 (default 500).</summary>
    public int MaxSyncBatch { get; set; } = 500;

    public TimeSpan AuthTimeout => TimeSpan.FromSeconds(AuthTimeoutSeconds);

    public TimeSpan IdleTimeout => TimeSpan.FromSeconds(HeartbeatSeconds * 3);
}

/// <summary>The rules for <see cref="ChatOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class ChatOptionsValidation : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions o)
    {
        var errors = new ValidateOptionsResultBuilder();
        Check(errors, o.MaxFrameBytes >= 1024, "MaxFrameBytes", o.MaxFrameBytes, "must be at least 1024");
        Check(errors, o.MaxTextBytes >= 1 && o.MaxTextBytes <= Math.Min(o.MaxFrameBytes, ChatOptions.MaxTextBytesCeiling), "MaxTextBytes", o.MaxTextBytes,
            $"must be 1..Chat:MaxFrameBytes ({o.MaxFrameBytes}) and at most {ChatOptions.MaxTextBytesCeiling}, so one message fits in a response");
        Check(errors, o.AuthTimeoutSeconds >= 1, "AuthTimeoutSeconds", o.AuthTimeoutSeconds, "must be at least 1");
        Check(errors, o.HeartbeatSeconds is >= 1 and <= 3600, "HeartbeatSeconds", o.HeartbeatSeconds, "must be 1..3600");
        Check(errors, o.MaxPendingFrames >= 16, "MaxPendingFrames", o.MaxPendingFrames, "must be at least 16");
        Check(errors, o.MaxPendingBytes >= ChatOptions.MinPendingBytes, "MaxPendingBytes", o.MaxPendingBytes,
            $"must be at least {ChatOptions.MinPendingBytes} (two of the largest frames a server sends)");
        Check(errors, o.MaxRequestsPerSecond >= 0, "MaxRequestsPerSecond", o.MaxRequestsPerSecond, "must be 0 (off) or more");
        Check(errors, o.MaxSyncBatch >= 1, "MaxSyncBatch", o.MaxSyncBatch, "must be at least 1");
        return errors.Build();
    }

    private static void Check(ValidateOptionsResultBuilder errors, bool ok, string key, int value, string rule)
    {
        if (!ok)
        {
            errors.AddError($"{ChatOptions.Section}:{key} = {value}: {rule}");
        }
    }
}
