namespace ImCells.Cli;

/// <summary>The command line is wrong: print the message and the usage, exit 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
