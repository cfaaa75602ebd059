using Microsoft.AspNetCore.Connections;

namespace ImCells.Cell.Chat;

/// <summary>Kestrel hands every accepted client TCP connection here.</summary>
internal sealed class ChatConnectionHandler(IChatBackend backend, ChatOptions options, ILogger<ChatSession> logger) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection) =>
        new ChatSession(connection.Transport, backend, options, logger, connection.ConnectionId,
            connection.RemoteEndPoint?.ToString() ?? "?").RunAsync(connection.ConnectionClosed);
}
