using System.Security.Cryptography.X509Certificates;
using ImCells.Trust;

namespace ImCells.Unit.Tests.Trust;

/// <summary>A throwaway cluster CA in a temp folder that issues certificates on demand; deleted on dispose.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly ClusterCa _ca;

    public TestPki()
    {
        Directory = Path.Combine(Path.GetTempPath(), "imcells-testpki-" + Guid.NewGuid().ToString("N")[..12]);
        Layout = new PkiLayout(Path.Combine(Directory, "pki"));
        _ca = ClusterCa.LoadOrCreate(Layout);
    }

    public string Directory { get; }

    public PkiLayout Layout { get; }

    /// <summary>The CA certificate alone (what clients are given to trust).</summary>
    public X509Certificate2 Ca => X509CertificateLoader.LoadCertificateFromFile(Layout.CaCertificate);

    /// <summary>The certificate (issued now if needed, for 127.0.0.1) and key of <paramref name="identity"/>, with this CA as trust.</summary>
    public ClusterCredentials Credentials(ClusterIdentity identity)
    {
        _ca.EnsureIssued(Layout, identity, ["127.0.0.1"]);
        return ClusterCredentials.Load(Layout, identity);
    }

    /// <summary>The certificate of <paramref name="identity"/> with its private key, issued now if needed.</summary>
    public X509Certificate2 Certificate(ClusterIdentity identity) => Credentials(identity).Certificate;

    public void Dispose()
    {
        _ca.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
