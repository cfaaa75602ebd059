namespace ImCells.Bench;

/// <summary>A benchmark cannot go on: bad arguments, an unreachable cluster, a refused login. The message is for the user.</summary>
internal sealed class BenchException(string message, Exception? inner = null) : Exception(message, inner);
