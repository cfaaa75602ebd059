using ImCells.Protos.Client;

namespace ImCells.Cell.Chat;

/// <summary>
/// What a chat session asks of its cell. The session owns framing and timers; the backend owns
/// tokens, storage and routing. Refusals are thrown as <see cref="ChatRequestException"/>.
/// </summary>
internal interface IChatBackend
{
    /// <summary>The cell this backend serves, reported in AuthOk.</summary>
    string CellId { get; }

    /// <summary>Checks the Auth frame; returns who the connection is for.</summary>
    Task<ChatIdentity> AuthenticateAsync(Auth auth, CancellationToken cancellationToken);

    /// <summary>Makes the session reachable for notifies and returns the user's head seq (read after that).</summary>
    Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken);

    void Detach(ChatSession session);

    /// <summary>
    /// Answers one request frame (anything but Auth and Ping) with its response frame; a request
    /// it does not know is refused with BAD_REQUEST.
    /// </summary>
    Task<Frame> HandleAsync(ChatSession session, Frame request, CancellationToken cancellationToken);
}
