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
    Task<(ulong UserId, string DeviceId)> AuthenticateAsync(Auth auth, CancellationToken cancellationToken);

    /// <summary>Makes the session reachable for notifies and returns the user's head seq (read after that).</summary>
    Task<ulong> AttachAsync(ChatSession session, CancellationToken cancellationToken);

    void Detach(ChatSession session);

    Task<SendAck> SendAsync(ChatSession session, SendRequest request, CancellationToken cancellationToken);

    Task<SyncResult> SyncAsync(ChatSession session, SyncRequest request, CancellationToken cancellationToken);

    Task<AckOk> AckAsync(ChatSession session, AckRequest request, CancellationToken cancellationToken);

    Task<MarkReadOk> MarkReadAsync(ChatSession session, MarkReadRequest request, CancellationToken cancellationToken);

    Task<HistoryResult> HistoryAsync(ChatSession session, HistoryRequest request, CancellationToken cancellationToken);

    Task<ConversationsResult> ConversationsAsync(ChatSession session, ConversationsRequest request, CancellationToken cancellationToken);

    Task<ScheduledList> ListScheduledAsync(ChatSession session, CancellationToken cancellationToken);

    Task<CancelScheduledOk> CancelScheduledAsync(ChatSession session, CancelScheduledRequest request, CancellationToken cancellationToken);

    Task<SettingsOk> SetSettingsAsync(ChatSession session, SetSettingsRequest request, CancellationToken cancellationToken);
}
