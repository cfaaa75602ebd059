namespace ImCells.Client;

/// <summary>What a successful login hands back: the token and where to connect with it.</summary>
/// <param name="ChatEndpoints">host:port of the serving cell's chat servers, least loaded first.</param>
public sealed record LoginResult(
    ulong UserId,
    string Token,
    string CellId,
    IReadOnlyList<string> ChatEndpoints,
    DateTimeOffset ExpiresAt,
    string Name);
