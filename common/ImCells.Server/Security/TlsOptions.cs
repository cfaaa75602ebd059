using ImCells.Trust;
using Microsoft.Extensions.Options;

namespace ImCells.Server.Security;

/// <summary>
/// Where this process finds its certificate and the cluster CA, and whether client-facing endpoints
/// may be plaintext off loopback. Bound from the "Tls" configuration section, checked at start.
/// </summary>
public sealed class TlsOptions
{
    public const string Section = "Tls";

    /// <summary>
    /// The PKI directory as <c>imcells up</c> writes it (ca.crt, and {role}-{id}.crt / .key per process,
    /// see <see cref="PkiLayout"/>), relative to the working directory. Default "data/pki".
    /// </summary>
    public string Directory { get; set; } = "data/pki";

    /// <summary>This process's certificate (PEM) instead of the one in <see cref="Directory"/>; needs <see cref="Key"/> too.</summary>
    public string? Certificate { get; set; }

    /// <summary>The private key (PKCS#8 PEM, mode 0600) of <see cref="Certificate"/>.</summary>
    public string? Key { get; set; }

    /// <summary>The CA certificate every peer must chain to. Default: ca.crt in <see cref="Directory"/>.</summary>
    public string? Ca { get; set; }

    /// <summary>
    /// Lets the login and chat endpoints listen without TLS on addresses other than loopback (default
    /// false: such a server refuses to start). Every endpoint it lets through is logged as a warning.
    /// </summary>
    public bool AllowPlaintext { get; set; }

    /// <summary>The files this process loads when it is <paramref name="self"/>.</summary>
    public (string Certificate, string Key, string Ca) PathsFor(ClusterIdentity self)
    {
        var layout = new PkiLayout(Directory);
        return (
            string.IsNullOrWhiteSpace(Certificate) ? layout.CertificateOf(self) : Path.GetFullPath(Certificate),
            string.IsNullOrWhiteSpace(Key) ? layout.KeyOf(self) : Path.GetFullPath(Key),
            string.IsNullOrWhiteSpace(Ca) ? layout.CaCertificate : Path.GetFullPath(Ca));
    }
}

/// <summary>The rules for <see cref="TlsOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class TlsOptionsValidation : IValidateOptions<TlsOptions>
{
    public ValidateOptionsResult Validate(string? name, TlsOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.Directory))
        {
            errors.AddError($"Tls:Directory = '{options.Directory}': must name the PKI directory (default data/pki)");
        }

        if (string.IsNullOrWhiteSpace(options.Certificate) != string.IsNullOrWhiteSpace(options.Key))
        {
            errors.AddError($"Tls:Certificate = '{options.Certificate}', Tls:Key = '{options.Key}': give both (a certificate and its key) or neither");
        }

        return errors.Build();
    }
}
