using System.Net;
using System.Security.Cryptography.X509Certificates;
using ImCells.Server.Hosting;
using ImCells.Trust;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Security;

/// <summary>
/// The server half of mutual TLS: admits a client certificate only if it chains to the cluster CA
/// and names a cluster identity. A refusal is counted and logged with its reason, once a minute per
/// remote address.
/// </summary>
public sealed partial class TlsRefusals(ILogger<TlsRefusals> logger)
{
    private readonly LogThrottle<IPAddress> _throttle = new(TimeSpan.FromMinutes(1));
    private long _refused;

    /// <summary>Handshakes refused since start.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public bool Admit(ClusterTrust trust, X509Certificate? presented, EndPoint? remote)
    {
        if (trust.TryValidate(presented, out _, out var problem))
        {
            return true;
        }

        Interlocked.Increment(ref _refused);
        var address = (remote as IPEndPoint)?.Address ?? IPAddress.None;
        if (_throttle.Allow(address))
        {
            LogRefusal(logger, remote?.ToString() ?? "an unknown address", problem);
        }

        return false;
    }

    [LoggerMessage(1, LogLevel.Warning, "Refused a TLS connection from {Remote}, client certificate: {Problem} (logged once a minute per address)")]
    private static partial void LogRefusal(ILogger logger, string remote, string problem);
}
