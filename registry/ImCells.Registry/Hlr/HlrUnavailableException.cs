namespace ImCells.Registry.Hlr;

/// <summary>
/// The cell's database server cannot be reached (down, restarting, refusing connections). Nothing
/// was written; the request may be tried again. The cell keeps running and reconnects by itself.
/// </summary>
public sealed class HlrUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
