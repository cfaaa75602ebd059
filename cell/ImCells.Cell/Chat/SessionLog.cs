namespace ImCells.Cell.Chat;

internal static partial class SessionLog
{
    [LoggerMessage(1, LogLevel.Information, "Connection {ConnectionId} authenticated: user {UserId} device {Device} from {Remote}")]
    public static partial void Authenticated(ILogger logger, string connectionId, ulong userId, string device, string remote);

    [LoggerMessage(2, LogLevel.Warning, "Connection {ConnectionId} from {Remote} refused at Auth: {Reason}")]
    public static partial void AuthRefused(ILogger logger, string connectionId, string remote, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Connection {ConnectionId} from {Remote} sent no Auth in time")]
    public static partial void AuthTimeout(ILogger logger, string connectionId, string remote);

    [LoggerMessage(4, LogLevel.Information, "Connection {ConnectionId} of user {UserId} device {Device} silent for {Seconds} s; closing")]
    public static partial void HeartbeatTimeout(ILogger logger, string connectionId, ulong userId, string device, double seconds);

    [LoggerMessage(5, LogLevel.Warning, "Connection {ConnectionId} from {Remote} closed: {Problem}")]
    public static partial void BadFrame(ILogger logger, string connectionId, string remote, string problem);

    [LoggerMessage(6, LogLevel.Warning, "Connection {ConnectionId} of user {UserId} from {Remote} is a slow reader: {Bytes} bytes would wait for it with the next frame ({Frames} frames queued), over Chat:{Setting} = {Limit}; closing")]
    public static partial void SlowReader(ILogger logger, string connectionId, ulong userId, string remote, long bytes, int frames, long limit, string setting);

    [LoggerMessage(7, LogLevel.Debug, "Connection {ConnectionId} transport error: {Message}")]
    public static partial void TransportError(ILogger logger, string connectionId, string message);

    [LoggerMessage(8, LogLevel.Error, "Connection {ConnectionId} failed unexpectedly")]
    public static partial void Unexpected(ILogger logger, Exception exception, string connectionId);

    [LoggerMessage(9, LogLevel.Error, "Connection {ConnectionId}: {Request} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string connectionId, string request);

    [LoggerMessage(10, LogLevel.Debug, "Connection {ConnectionId} closed (user {UserId} device {Device})")]
    public static partial void Closed(ILogger logger, string connectionId, ulong userId, string device);

    [LoggerMessage(11, LogLevel.Information, "User {UserId} device {Device} connected again; closing the older connection {ConnectionId}")]
    public static partial void Replaced(ILogger logger, ulong userId, string device, string connectionId);

    [LoggerMessage(12, LogLevel.Error, "Connection {ConnectionId} of user {UserId}: a {Body} frame of {Size} bytes is over the largest frame a server sends ({Max}); not sent")]
    public static partial void OversizedFrame(ILogger logger, string connectionId, ulong userId, string body, int size, int max);

    [LoggerMessage(13, LogLevel.Information, "TLS record buffers cannot be released between records on this runtime (SSL_MODE_RELEASE_BUFFERS): each idle TLS connection keeps about 34 KB more")]
    public static partial void TlsBuffersKept(ILogger logger);
}
