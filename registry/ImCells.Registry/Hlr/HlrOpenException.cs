namespace ImCells.Registry.Hlr;

/// <summary>
/// The database cannot be served as it is: it does not open, is damaged or inconsistent, or lost
/// committed writes. The message is one line for the operator, naming the file, what was found and
/// what to do; the server stops.
/// </summary>
public sealed class HlrOpenException(string message, Exception? inner = null) : Exception(message, inner);
