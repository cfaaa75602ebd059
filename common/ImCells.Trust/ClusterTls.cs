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
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            trust.TryValidate(certificate, out var identity, out _) && acceptServer(identity),
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

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
