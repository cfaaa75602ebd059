using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ImCells.Trust;

/// <summary>
/// Client-side TLS for talking to a process of the cluster: the server must chain to the cluster
/// CA and name an identity the caller expects (checked against the topology, not the host name).
/// </summary>
public static class ClusterTls
{
    /// <summary>
    /// Options for one TLS client connection. <paramref name="clientCertificate"/> is presented for
    /// mutual TLS (null for a device); <paramref name="acceptServer"/> says which identities may answer.
    /// </summary>
    public static SslClientAuthenticationOptions ClientOptions(
        ClusterTrust trust, X509Certificate2? clientCertificate, Func<ClusterIdentity, bool> acceptServer, string targetHost = "localhost") => new()
    {
        TargetHost = targetHost,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        ClientCertificates = clientCertificate is null ? null : [clientCertificate],
        LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
        // The handshake builds the chain against the cluster CA only, once: checking it again in the
        // callback, after a default build against the system's trust store, made certificate checks
        // the largest cost of a client's reconnect (docs/PERFORMANCE.md, issue 14).
        CertificateChainPolicy = trust.ChainPolicy(),
        RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            ChainsToCluster(errors) && certificate is X509Certificate2 presented
            && CertificateIdentity.Of(presented) is { } identity && acceptServer(identity),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    /// <summary>
    /// The chain built under <see cref="ClusterTrust.ChainPolicy"/> ends at the cluster CA. The host
    /// name is not the check: the certificate's cluster identity is, against the topology.
    /// </summary>
    private static bool ChainsToCluster(SslPolicyErrors errors) =>
        (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None;

    /// <summary>An HTTP/2 handler for gRPC channels to cluster processes (see <see cref="ClientOptions"/>).</summary>
    public static SocketsHttpHandler Handler(
        ClusterTrust trust, X509Certificate2? clientCertificate, Func<ClusterIdentity, bool> acceptServer) => new()
    {
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        KeepAlivePingDelay = TimeSpan.FromSeconds(20),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        SslOptions = ClientOptions(trust, clientCertificate, acceptServer),
    };
}
