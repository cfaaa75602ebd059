using System.Security.Cryptography;
using ImCells.Trust;

namespace ImCells.ClusterHost;

/// <summary>
/// The cluster's certificates under a data directory, as <c>imcells up</c> and the cluster tests make
/// them: the CA and one certificate per server process, plus the operators' certificate
/// (<see cref="Operator"/>), in data/pki (see <see cref="PkiLayout"/>). What exists is kept, so a
/// cell added later just gets its own. An operator's own CA (ca.crt without ca.key) is used as it is:
/// nothing is created, and the operator issues every certificate.
/// </summary>
public static class ClusterPki
{
    /// <summary>The identity of the certificate operators' tools (the CLI's admin commands, tests) present.</summary>
    public static ClusterIdentity Operator { get; } = ClusterIdentity.Operator("admin");

    /// <summary>
    /// Makes sure <paramref name="dataDirectory"/> (0700 when created) holds the PKI for
    /// <paramref name="processes"/> (each with the host names or addresses it is reached at).
    /// Throws <see cref="ClusterPkiException"/> with one line when it cannot.
    /// </summary>
    public static PkiPrepared Prepare(string dataDirectory, IEnumerable<(ClusterIdentity Identity, IReadOnlyList<string> Hosts)> processes)
    {
        var layout = new PkiLayout(PkiLayout.DefaultDirectory(dataDirectory));
        try
        {
            PrivateFiles.CreateDirectory(dataDirectory);
            if (File.Exists(layout.CaCertificate) && !File.Exists(layout.CaKey))
            {
                return new PkiPrepared(layout, OperatorCa: true, []);
            }

            using var ca = ClusterCa.LoadOrCreate(layout);
            var issued = new List<ClusterIdentity>();
            foreach (var (identity, hosts) in processes.Append((Operator, [])))
            {
                if (!File.Exists(layout.CertificateOf(identity)) || !File.Exists(layout.KeyOf(identity)))
                {
                    ca.EnsureIssued(layout, identity, hosts);
                    issued.Add(identity);
                }
            }

            return new PkiPrepared(layout, OperatorCa: false, issued);
        }
        catch (Exception e) when (e is PrivateFileException or IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ClusterPkiException($"cannot prepare the certificates in {layout.Directory}: {e.Message.ReplaceLineEndings(" ")}", e);
        }
    }
}

/// <summary>What <see cref="ClusterPki.Prepare"/> found and did.</summary>
/// <param name="OperatorCa">The CA is the operator's (no ca.key here): nothing was created.</param>
/// <param name="Issued">The certificates issued by this call.</param>
public sealed record PkiPrepared(PkiLayout Layout, bool OperatorCa, IReadOnlyList<ClusterIdentity> Issued);

/// <summary>The cluster's certificates could not be prepared; the message is one line saying why.</summary>
public sealed class ClusterPkiException(string message, Exception inner) : Exception(message, inner);
