namespace ImCells.Cli;

/// <summary>A failure that is not the server's nor the user's syntax (missing build, no repo root): exit 1.</summary>
internal sealed class CliException(string message) : Exception(message);
