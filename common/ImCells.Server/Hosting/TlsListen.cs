using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ImCells.Server.Security;
using ImCells.Trust;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Hosting;

/// <summary>How every server listens: internal gRPC over mutual TLS only; client-facing endpoints over TLS, or plaintext where <see cref="PlaintextPolicy"/> allows.</summary>
public static class TlsListen
{
    private const SslProtocols Protocols = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <summary>
    /// An internal gRPC endpoint: HTTP/2 over TLS with this process's certificate, and a client
    /// certificate required from every caller, chained to the cluster CA (see <see cref="TlsRefusals"/>).
    /// A plaintext caller, or one without such a certificate, never gets past the handshake.
    /// </summary>
    public static void ListenCluster(this KestrelServerOptions kestrel, IPEndPoint endpoint, IServiceProvider services)
    {
        var options = MutualTls(services.GetRequiredService<ClusterCredentials>(), services.GetRequiredService<TlsRefusals>());
        kestrel.Listen(endpoint, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseHttps(options);
        });
    }

    /// <summary>
    /// An endpoint for devices and people (the login service, a chat port): TLS with this process's
    /// certificate and no client certificate, or, when <paramref name="tls"/> is false, plaintext if
    /// <see cref="PlaintextPolicy"/> allows it (else a <see cref="StartupException"/>). <paramref name="then"/>
    /// sets up the rest of the connection (protocols, a connection handler) after TLS.
    /// </summary>
    /// <param name="what">The endpoint as the operator wrote it, for messages.</param>
    /// <param name="tlsForm">How to write it with TLS, for the message that refuses plaintext.</param>
    public static void ListenForClients(
        this KestrelServerOptions kestrel, IPEndPoint endpoint, bool tls, string what, string tlsForm, IServiceProvider services, Action<ListenOptions> then)
    {
        if (!tls)
        {
            PlaintextPolicy.Check(endpoint, what, tlsForm, services.GetRequiredService<TlsOptions>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PlaintextPolicy)));
            kestrel.Listen(endpoint, then);
            return;
        }

        var certificate = services.GetRequiredService<ClusterCredentials>().Certificate;
        kestrel.Listen(endpoint, listen =>
        {
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = certificate,
                ClientCertificateMode = ClientCertificateMode.NoCertificate,
                SslProtocols = Protocols,
            });
            then(listen);
        });
    }

    /// <summary>
    /// Per connection (so a refusal can name the remote address): the certificate context is built once,
    /// offline, since its chain is just the cluster CA.
    /// </summary>
    private static TlsHandshakeCallbackOptions MutualTls(ClusterCredentials credentials, TlsRefusals refusals)
    {
        var context = SslStreamCertificateContext.Create(credentials.Certificate, additionalCertificates: null, offline: true);
        return new TlsHandshakeCallbackOptions
        {
            OnConnection = handshake =>
            {
                var remote = handshake.Connection.RemoteEndPoint;
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = context,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = Protocols,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, _, _) => refusals.Admit(credentials.Trust, certificate, remote),
                });
            },
        };
    }
}
