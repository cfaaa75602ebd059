namespace ImCells.Cli;

/// <summary>The other party refused what was asked (send to someone who blocked you): exit 3.</summary>
internal sealed class RefusedException(string message) : Exception(message);
