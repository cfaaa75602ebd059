using ImCells.Cell.Chat;
using ImCells.Cell.Roaming;
using ImCells.Protos.Client;

namespace ImCells.Cell.ChatServer;

/// <summary>
/// The backend of an extra chat-server process of a cell: it holds connections only. Every device
/// is attached at its home cell like a roaming one (its location names this chat server), and
/// every request is executed there; the cell pushes notifies back here.
/// </summary>
internal sealed class ChatServerBackend(
    CellIdentity cell,
    ChatTokens tokens,
    SessionRegistry sessions,
    VisitorProxy home,
    ILogger<ChatServerBackend> logger) : IChatBackend
{
    public string CellId => cell.Id;

    public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
        Task.FromResult(tokens.Verify(auth, cell.Id));

    public async Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        sessions.AddReplacing(session, logger);
        try
        {
            return await home.AttachAsync(session, cancellationToken);
        }
        catch
        {
            Detach(session);
            throw;
        }
    }

    public void Detach(ChatSession session)
    {
        if (sessions.Remove(session))
        {
            home.Detached(session);
        }
    }

    public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
        home.CallAsync(session, request, cancellationToken);
}
