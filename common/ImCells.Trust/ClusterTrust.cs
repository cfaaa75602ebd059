using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace ImCells.Trust;

/// <summary>
/// Decides whether a peer's certificate belongs to this cluster: it must chain to the cluster CA
/// (and only to it: the machine's public roots are not consulted) and name exactly one identity.
/// While a CA is being replaced, the CA file may hold the old and the new certificate: both are trusted.
/// </summary>
public sealed class ClusterTrust
{
    private readonly X509Certificate2Collection _roots;

    public ClusterTrust(X509Certificate2 ca) => _roots = [ca];

    private ClusterTrust(X509Certificate2Collection roots) => _roots = roots;

    /// <summary>The (first) trusted CA certificate.</summary>
    public X509Certificate2 Ca => _roots[0];

    /// <summary>Every CA certificate of a PEM file (one, or two during a rotation).</summary>
    public static ClusterTrust FromFile(string caCertificatePath)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caCertificatePath);
        return roots.Count > 0 ? new ClusterTrust(roots) : throw new InvalidDataException($"{caCertificatePath} holds no certificate");
    }

    /// <summary>How a chain to the cluster CA is built: its roots only, no revocation look-ups.</summary>
    public X509ChainPolicy ChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            VerificationFlags = X509VerificationFlags.NoFlag,
        };
        policy.CustomTrustStore.AddRange(_roots);
        return policy;
    }

    public bool TryValidate(X509Certificate? presented, [NotNullWhen(true)] out ClusterIdentity? identity, out string problem)
    {
        identity = null;
        if (presented is null)
        {
            problem = "no certificate";
            return false;
        }

        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain { ChainPolicy = ChainPolicy() };
        if (!chain.Build(certificate))
        {
            problem = "not signed by the cluster CA (" + string.Join(", ", chain.ChainStatus.Select(s => s.Status)) + ")";
            return false;
        }

        identity = CertificateIdentity.Of(certificate);
        if (identity is null)
        {
            problem = "names no cluster identity (spiffe://imcells/...)";
            return false;
        }

        problem = "";
        return true;
    }
}
