using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImCells.Client;
using ImCells.Trust;

namespace ImCells.Bench;

/// <summary>
/// How the bench reaches the cluster: the login URL (--login), the CA that https:// login and
/// tls:// chat servers must chain to (--ca FILE, else ca.crt of the PKI directory when it exists,
/// else the system's trust store), and the PKI directory (--pki DIR, default data/pki) whose
/// operator certificate asks the cells for their status after a forced GC.
/// </summary>
internal sealed class BenchCluster
{
    public const string AllowSlowRegistrationFlag = "allow-slow-registration";

    private BenchCluster(string loginUrl, string? caFile, string pkiDirectory, bool allowSlowRegistration = false)
    {
        AllowSlowRegistration = allowSlowRegistration;
        LoginUrl = loginUrl;
        CaFile = caFile;
        PkiDirectory = pkiDirectory;
        Ca = caFile is null ? null : LoadCa(caFile);
        Trust = Ca is null ? null : new ClusterTrust(Ca);
    }

    public string LoginUrl { get; }

    public string? CaFile { get; }

    public string PkiDirectory { get; }

    /// <summary>--allow-slow-registration: register users even at a costly password hash (<see cref="PasswordCost"/>).</summary>
    public bool AllowSlowRegistration { get; }

    /// <summary>Each cell's password cost once asked (null: could not be asked), so a run asks and warns once per cell.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int?> PasswordCosts { get; } = new(StringComparer.Ordinal);

    public X509Certificate2? Ca { get; }

    /// <summary>The check of tls:// chat servers; null for the system's trust store.</summary>
    public ClusterTrust? Trust { get; }

    public static BenchCluster From(BenchArgs args)
    {
        var pki = Path.GetFullPath(args.String("pki") ?? PkiLayout.DefaultDirectory(BenchEnvironment.DataDirectory));
        var given = args.String("ca");
        if (given is not null && !File.Exists(given))
        {
            throw BenchException.Usage($"--ca {given}: no such file");
        }

        var fallback = new PkiLayout(pki).CaCertificate;
        return new BenchCluster(
            BenchEnvironment.LoginUrl(args), given ?? (File.Exists(fallback) ? fallback : null), pki, args.Has(AllowSlowRegistrationFlag));
    }

    public LoginApi OpenLogin() => new(LoginUrl, Ca);

    /// <summary>The options that give a worker process the same cluster.</summary>
    public IEnumerable<string> WorkerArgs() =>
        CaFile is null ? ["--login", LoginUrl, "--pki", PkiDirectory] : ["--login", LoginUrl, "--pki", PkiDirectory, "--ca", CaFile];

    private static X509Certificate2 LoadCa(string path)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw BenchException.Usage($"cannot read the CA certificate {path}: {e.Message}", e);
        }
    }
}
