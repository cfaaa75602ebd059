namespace ImCells.Trust;

/// <summary>
/// Where the cluster's certificates live in a PKI directory (data/pki by default): the CA as
/// ca.crt + ca.key, and each process's as {role}-{id}.crt + .key (cell-a.crt, chat-a-2.key,
/// operator-admin.crt). Certificates are PEM; keys are PKCS#8 PEM, 0600.
/// </summary>
public sealed class PkiLayout(string directory)
{
    /// <summary>The default PKI directory under a data directory.</summary>
    public static string DefaultDirectory(string dataDirectory) => Path.Combine(dataDirectory, "pki");

    public string Directory { get; } = Path.GetFullPath(directory);

    public string CaCertificate => Path.Combine(Directory, "ca.crt");

    public string CaKey => Path.Combine(Directory, "ca.key");

    public string CertificateOf(ClusterIdentity identity) => Path.Combine(Directory, identity.FileStem + ".crt");

    public string KeyOf(ClusterIdentity identity) => Path.Combine(Directory, identity.FileStem + ".key");
}
