namespace ImCells.Client;

/// <summary>What a successful login hands back: the token and where to connect with it.</summary>
/// <param name="CellId">The serving cell: the home cell, or the visited cell when roaming.</param>
/// <param name="ChatEndpoints">host:port or tls://host:port of the serving cell's chat servers, least loaded first.</param>
/// <param name="HomeCell">The cell whose HLR holds the user.</param>
public sealed record LoginResult(
    ulong UserId,
    string Token,
    string CellId,
    IReadOnlyList<string> ChatEndpoints,
    DateTimeOffset ExpiresAt,
    string Name,
    string HomeCell = "");
