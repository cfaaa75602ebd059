using System.Security.Cryptography.X509Certificates;

namespace ImCells.Trust;

/// <summary>
/// A process's own certificate (with its private key), the identity it names, and the cluster CA
/// it trusts. Loading refuses a key file that others can read.
/// </summary>
public sealed class ClusterCredentials(X509Certificate2 certificate, ClusterIdentity identity, ClusterTrust trust)
{
    public X509Certificate2 Certificate { get; } = certificate;

    public ClusterIdentity Identity { get; } = identity;

    public ClusterTrust Trust { get; } = trust;

    /// <summary>Loads credentials; throws <see cref="PrivateFileException"/> or <see cref="InvalidDataException"/> with one line saying what is wrong.</summary>
    public static ClusterCredentials Load(string certificatePath, string keyPath, string caPath)
    {
        foreach (var path in new[] { certificatePath, keyPath, caPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"{path} does not exist", path);
            }
        }

        PrivateFiles.EnsureOwnerOnly(keyPath);
        var trust = ClusterTrust.FromFile(caPath);
        var certificate = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        if (!trust.TryValidate(certificate, out var identity, out var problem))
        {
            throw new InvalidDataException($"certificate {certificatePath} cannot be used: {problem}");
        }

        return new ClusterCredentials(certificate, identity, trust);
    }

    /// <summary>The credentials of <paramref name="identity"/> in a PKI directory laid out by <see cref="PkiLayout"/>.</summary>
    public static ClusterCredentials Load(PkiLayout layout, ClusterIdentity identity)
    {
        var credentials = Load(layout.CertificateOf(identity), layout.KeyOf(identity), layout.CaCertificate);
        return credentials.Identity == identity
            ? credentials
            : throw new InvalidDataException($"certificate {layout.CertificateOf(identity)} names {credentials.Identity}, expected {identity}");
    }
}
