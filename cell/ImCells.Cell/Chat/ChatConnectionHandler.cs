using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace ImCells.Cell.Chat;

/// <summary>Kestrel hands every accepted client TCP connection here (one handler per chat listener).</summary>
internal sealed class ChatConnectionHandler : ConnectionHandler
{
    private readonly IChatBackend _backend;
    private readonly ChatOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ChatSession> _logger;
    private readonly ConnectionTimeouts _timeouts;
    private readonly ChatListenNames _names;
    private LocalName? _local;
    private int _tlsBuffersLogged;

    public ChatConnectionHandler(
        IChatBackend backend, ChatOptions options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ChatSession> logger,
        ChatListenNames names)
    {
        _names = names;
        _backend = backend;
        _options = options;
        _time = time;
        _logger = logger;
        _timeouts = new ConnectionTimeouts(time, options.AuthTimeout, options.IdleTimeout);
        // A stopping cell closes its clients at once, so they reconnect elsewhere instead of
        // talking to a process that no longer routes anything to them.
        lifetime.ApplicationStopping.Register(_timeouts.Stop);
        lifetime.ApplicationStopped.Register(_timeouts.Dispose);
    }

    /// <remarks>Not async: the session's task is returned as it is, with no state machine of its own kept per connection.</remarks>
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        if (connection.Features.Get<ISslStreamFeature>()?.SslStream is { } tls && !TlsIdleBuffers.TryApply(tls)
            && Interlocked.Exchange(ref _tlsBuffersLogged, 1) == 0)
        {
            SessionLog.TlsBuffersKept(_logger);
        }

        return new ChatSession(connection.Transport, _backend, _options, _time, _logger, connection.ConnectionId,
            connection.RemoteEndPoint?.ToString() ?? "?", LocalText(connection.LocalEndPoint),
            () => connection.Abort(new ConnectionAbortedException("the client does not read what it is sent")), _timeouts).RunAsync(connection.ConnectionClosed);
    }

    /// <summary>The listen address as the topology names it, made once rather than once per connection.</summary>
    private string LocalText(EndPoint? endpoint)
    {
        if (endpoint is null)
        {
            return "";
        }

        var known = Volatile.Read(ref _local);
        if (known is not null && known.EndPoint.Equals(endpoint))
        {
            return known.Text;
        }

        known = new LocalName(endpoint, _names.For(endpoint));
        Volatile.Write(ref _local, known);
        return known.Text;
    }

    private sealed record LocalName(EndPoint EndPoint, string Text);
}
