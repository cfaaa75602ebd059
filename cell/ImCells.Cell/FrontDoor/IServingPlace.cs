using ImCells.Cell.Chat;
using ImCells.Protos.Client;

namespace ImCells.Cell.FrontDoor;

/// <summary>
/// What this process does for a connected device once it is registered: the cell process serves
/// its own users itself and proxies visitors home; an extra chat server proxies everyone home.
/// </summary>
internal interface IServingPlace
{
    /// <summary>Attaches the (already reachable) session and returns the user's head seq.</summary>
    Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken);

    /// <summary>The session is gone (it was registered and has just been removed).</summary>
    void Detached(ChatSession session);

    Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken);
}
