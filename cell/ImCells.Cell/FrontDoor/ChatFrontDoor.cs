using ImCells.Cell.Chat;
using ImCells.Cell.Delivery;
using ImCells.Protos.Client;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// The one backend of every chat connection: checks the token, registers the session on attach
/// and removes it on detach (once, around the connection, as SignalR's HubConnectionHandler
/// calls its lifetime manager), and hands the rest to the serving place of this process.
/// </summary>
internal sealed class ChatFrontDoor(
    CellIdentity self,
    ChatTokens tokens,
    SessionRegistry sessions,
    IServingPlace place,
    ILogger<ChatFrontDoor> logger) : IChatBackend
{
    public string CellId => self.Id;

    public Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken) =>
        Task.FromResult(tokens.Verify(auth, self.Id));

    public async Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken)
    {
        // Reachable before the head seq is read: anything committed later is pushed, anything earlier synced.
        sessions.AddReplacing(session, logger);
        try
        {
            return await place.AttachAsync(session, cancellationToken);
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
            place.Detached(session);
        }
    }

    public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
        place.HandleAsync(session, request, cancellationToken);
}
