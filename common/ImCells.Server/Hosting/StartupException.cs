namespace ImCells.Server.Hosting;

/// <summary>
/// A server cannot start for a reason the operator must fix (the master never answered, the topology
/// file is invalid). <see cref="ServerRun.RunServerAsync(Microsoft.AspNetCore.Builder.WebApplication, string, Func{IServiceProvider, string})"/>
/// prints the message as one line, prefixed with the server's role, and exits with <see cref="ExitCode"/>.
/// </summary>
public sealed class StartupException(string message, int exitCode = 1, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
