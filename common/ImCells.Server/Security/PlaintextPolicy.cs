using System.Net;
using ImCells.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Security;

/// <summary>
/// Where a client-facing endpoint may go without TLS: on loopback (development on one machine), or
/// anywhere when the operator says so with Tls:AllowPlaintext=true, which is logged as a warning.
/// Anything else stops the server at start.
/// </summary>
public static partial class PlaintextPolicy
{
    /// <param name="what">The endpoint as the operator wrote it, e.g. "login http://10.0.0.5:7100".</param>
    /// <param name="tlsForm">How to write it with TLS instead, e.g. "https://10.0.0.5:7100".</param>
    public static void Check(IPEndPoint endpoint, string what, string tlsForm, TlsOptions options, ILogger logger)
    {
        if (IPAddress.IsLoopback(endpoint.Address))
        {
            return;
        }

        if (!options.AllowPlaintext)
        {
            throw new StartupException(
                $"{what} is plaintext on an address other machines can reach: write {tlsForm}, or set Tls:AllowPlaintext=true to accept the risk");
        }

        PlaintextAllowed(logger, what);
    }

    [LoggerMessage(1, LogLevel.Warning, "PLAINTEXT: {What} has no TLS and is reachable from other machines (Tls:AllowPlaintext=true); anyone on the path can read tokens and messages")]
    private static partial void PlaintextAllowed(ILogger logger, string what);
}
