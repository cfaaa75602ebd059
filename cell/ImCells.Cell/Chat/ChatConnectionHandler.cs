using Microsoft.AspNetCore.Connections;

namespace ImCells.Cell.Chat;

/// <summary>Kestrel hands every accepted client TCP connection here.</summary>
internal sealed class ChatConnectionHandler(
    IChatBackend backend, ChatOptions options, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<ChatSession> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // A stopping cell closes its clients at once, so they reconnect elsewhere instead of
        // talking to a process that no longer routes anything to them.
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, lifetime.ApplicationStopping);
        await new ChatSession(connection.Transport, backend, options, time, logger, connection.ConnectionId,
            connection.RemoteEndPoint?.ToString() ?? "?", connection.LocalEndPoint?.ToString() ?? "",
            () => connection.Abort(new ConnectionAbortedException("the client does not read what it is sent"))).RunAsync(closed.Token);
    }
}
