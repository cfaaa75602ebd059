using System.Security.Cryptography.X509Certificates;
using ImCells.Trust;

namespace ImCells.Unit.Tests.Trust;

/// <summary>A throwaway cluster CA in a temp folder and certificates (with their keys) issued by it.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly string _root;
    private readonly ClusterCa _ca;

    public TestPki()
    {
        _root = Path.Combine(Path.GetTempPath(), "imcells-testpki-" + Guid.NewGuid().ToString("N"));
        Layout = new PkiLayout(Path.Combine(_root, "pki"));
        _ca = ClusterCa.LoadOrCreate(Layout);
    }

    public PkiLayout Layout { get; }

    /// <summary>The CA certificate alone (what clients are given to trust).</summary>
    public X509Certificate2 Ca => X509CertificateLoader.LoadCertificateFromFile(Layout.CaCertificate);

    /// <summary>Issues (once) and loads the certificate of <paramref name="identity"/> with its private key, valid for 127.0.0.1.</summary>
    public X509Certificate2 Certificate(ClusterIdentity identity)
    {
        _ca.EnsureIssued(Layout, identity, ["127.0.0.1"]);
        return X509Certificate2.CreateFromPemFile(Layout.CertificateOf(identity), Layout.KeyOf(identity));
    }

    public void Dispose()
    {
        _ca.Dispose();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
