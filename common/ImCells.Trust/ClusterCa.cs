using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ImCells.Trust;

/// <summary>
/// The cluster's certificate authority, as `imcells up` keeps it: an ECDSA P-256 root that signs one
/// certificate per process, each naming its role and id as a spiffe:// URI (see <see cref="ClusterIdentity"/>).
/// Operators with their own CA put their files where <see cref="PkiLayout"/> says instead.
/// </summary>
public sealed class ClusterCa : IDisposable
{
    public static readonly TimeSpan CaLifetime = TimeSpan.FromDays(3650);
    public static readonly TimeSpan LeafLifetime = TimeSpan.FromDays(825);

    private readonly X509Certificate2 _ca;

    private ClusterCa(X509Certificate2 ca) => _ca = ca;

    public X509Certificate2 Certificate => _ca;

    /// <summary>Loads the CA of <paramref name="layout"/>, creating it first when there is none.</summary>
    public static ClusterCa LoadOrCreate(PkiLayout layout)
    {
        PrivateFiles.CreateDirectory(layout.Directory);
        // Checked again under the lock: another starter may be creating it right now.
        if (!File.Exists(layout.CaCertificate))
        {
            using var held = Lock(layout);
            if (!File.Exists(layout.CaCertificate))
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var request = new CertificateRequest("CN=ImCells cluster CA", key, HashAlgorithmName.SHA256);
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
                request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
                request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
                var now = DateTimeOffset.UtcNow;
                using var ca = request.CreateSelfSigned(now.AddMinutes(-5), now + CaLifetime);
                // The key first: a certificate without its key would look like an operator-supplied CA.
                PrivateFiles.CreateOnce(layout.CaKey, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
                PrivateFiles.CreateOnce(layout.CaCertificate, Encoding.ASCII.GetBytes(ca.ExportCertificatePem() + "\n"));
            }
        }

        return Load(layout);
    }

    /// <summary>Loads an existing CA with its key (needed to issue certificates).</summary>
    public static ClusterCa Load(PkiLayout layout)
    {
        if (!File.Exists(layout.CaKey))
        {
            throw new PrivateFileException($"the CA key {layout.CaKey} is missing: certificates must be issued by whoever holds it");
        }

        PrivateFiles.EnsureOwnerOnly(layout.CaKey);
        return new ClusterCa(X509Certificate2.CreateFromPemFile(layout.CaCertificate, layout.CaKey));
    }

    /// <summary>
    /// Writes a certificate and key for <paramref name="identity"/> unless both exist already. The
    /// certificate also names <paramref name="hosts"/> (names or addresses it is reached at), plus localhost.
    /// </summary>
    public void EnsureIssued(PkiLayout layout, ClusterIdentity identity, IEnumerable<string> hosts)
    {
        var certificatePath = layout.CertificateOf(identity);
        var keyPath = layout.KeyOf(identity);
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            return;
        }

        // Two starters issuing the same identity at once must not leave one's key beside the other's certificate.
        using var held = Lock(layout);
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            return;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Issue(identity, hosts, key);
        File.Delete(certificatePath);
        File.Delete(keyPath);
        PrivateFiles.CreateOnce(keyPath, Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        PrivateFiles.CreateOnce(certificatePath, Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n"));
    }

    /// <summary>A certificate for <paramref name="identity"/> over <paramref name="key"/>, signed by this CA.</summary>
    public X509Certificate2 Issue(ClusterIdentity identity, IEnumerable<string> hosts, ECDsa key)
    {
        var request = new CertificateRequest($"CN={identity.FileStem}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication") };
        if (identity.Role != ClusterRole.Operator)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(identity.Uri);
        foreach (var host in hosts.Append("localhost").Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, true, false));
        var now = DateTimeOffset.UtcNow;
        var notAfter = now + LeafLifetime < _ca.NotAfter ? now + LeafLifetime : new DateTimeOffset(_ca.NotAfter);
        return request.Create(_ca, now.AddMinutes(-5), notAfter, RandomNumberGenerator.GetBytes(16));
    }

    public void Dispose() => _ca.Dispose();

    /// <summary>An exclusive lock on the PKI directory (an advisory lock on .lock), waited for up to 30 s.</summary>
    private static FileStream Lock(PkiLayout layout)
    {
        var path = Path.Combine(layout.Directory, ".lock");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
