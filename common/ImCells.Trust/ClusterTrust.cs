using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;

namespace ImCells.Trust;

/// <summary>
/// Decides whether a peer's certificate belongs to this cluster: it must chain to the cluster CA
/// (and only to it: the machine's public roots are not consulted) and name exactly one identity.
/// </summary>
public sealed class ClusterTrust(X509Certificate2 ca)
{
    public X509Certificate2 Ca { get; } = ca;

    public static ClusterTrust FromFile(string caCertificatePath) =>
        new(X509CertificateLoader.LoadCertificateFromFile(caCertificatePath));

    public bool TryValidate(X509Certificate? presented, [NotNullWhen(true)] out ClusterIdentity? identity, out string problem)
    {
        identity = null;
        if (presented is null)
        {
            problem = "no certificate";
            return false;
        }

        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
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
