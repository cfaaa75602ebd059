using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ImCells.Trust;

namespace ImCells.Cli;

/// <summary>
/// The cluster CA that https:// login servers and tls:// chat servers must chain to: --ca FILE, else
/// data/pki/ca.crt under the repository root when `imcells up` made one, else none (then the system's
/// trust store decides; http:// and plain chat endpoints need no CA).
/// </summary>
internal static class CaFile
{
    public const string Option = "--ca";

    public static X509Certificate2? Resolve(CliArgs args) => Load(args.Optional(Option), DefaultPath(RepoRoot.TryFind()));

    /// <summary>data/pki/ca.crt under <paramref name="root"/> when it exists; null otherwise.</summary>
    internal static string? DefaultPath(string? root)
    {
        if (root is null)
        {
            return null;
        }

        var path = new PkiLayout(PkiLayout.DefaultDirectory(Path.Combine(root, RepoRoot.DataFolder))).CaCertificate;
        return File.Exists(path) ? path : null;
    }

    /// <summary>The certificate at <paramref name="given"/> (which must exist), else at <paramref name="fallback"/>, else null.</summary>
    internal static X509Certificate2? Load(string? given, string? fallback)
    {
        if (given is not null && !File.Exists(given))
        {
            throw new UsageException($"{Option} {given}: no such file");
        }

        if ((given ?? fallback) is not { } path)
        {
            return null;
        }

        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (CryptographicException e)
        {
            throw new CliException($"cannot read the CA certificate {path}: {e.Message}");
        }
    }
}
