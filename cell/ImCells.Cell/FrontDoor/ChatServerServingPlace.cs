using ImCells.Cell.Chat;
using ImCells.Cell.Roaming;
using ImCells.Protos.Client;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// An extra chat-server process of a cell as a serving place: it holds connections only. Every
/// device is attached at its home cell like a roaming one (its location names this chat server),
/// and every request is executed there; the cell pushes notifies back here.
/// </summary>
internal sealed class ChatServerServingPlace(VisitorProxy home) : IServingPlace
{
    public Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken) =>
        home.AttachAsync(session, cancellationToken);

    public void Detached(ChatSession session) => home.Detached(session);

    public Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken) =>
        home.CallAsync(session, request, cancellationToken);
}
