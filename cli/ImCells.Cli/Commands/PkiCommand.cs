using System.CommandLine;
using System.Security.Cryptography;
using ImCells.Cli.CommandLine;
using ImCells.ClusterHost;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells pki: makes the cluster's secrets for a topology without starting anything, for servers
/// that do not run from this checkout's data folder (containers, other machines): the CA and one
/// certificate per process in DIR/pki, the token key in DIR/token.key, and per process a folder
/// DIR/hosts/{role}-{id}/ with only what that host needs (ca.crt, its own certificate and key, the
/// token key for login servers and cells), to mount read-only into it: no host gets the CA's key or
/// another process's key. What exists is kept, so running it again after `topology add-cell` issues
/// only the new cell's certificate.
/// </summary>
internal static class PkiCommand
{
    public static Command Build() => new CommandBuilder("pki", "make the CA, the certificates and the token key for servers that run elsewhere")
        .Value("--data", "DIR", "where to make them: DIR/pki, DIR/token.key, DIR/hosts/<process>/", required: true)
        .Value("--topology", "FILE", "the topology whose processes get certificates (default: ./topology.json, else the repository's)")
        .Run(RunAsync);

    private static Task<int> RunAsync(CliArgs args)
    {
        var topologyPath = args.Optional("--topology") is { } given ? Path.GetFullPath(given)
            : RepoRoot.FindTopology() ?? throw new UsageException("no topology.json here; give --topology PATH");
        var data = Path.GetFullPath(args.Required("--data"));
        var processes = TopologyFile.Load(topologyPath).Processes();
        try
        {
            var prepared = ClusterPki.Prepare(data, processes);
            var tokenKey = Path.Combine(data, "token.key");
            var newKey = PrivateFiles.CreateOnce(tokenKey, RandomNumberGenerator.GetBytes(32));
            PrivateFiles.EnsureOwnerOnly(tokenKey);
            Console.Out.WriteLine(prepared.OperatorCa
                ? $"{prepared.Layout.Directory} holds the operator's CA (no ca.key): nothing issued"
                : prepared.Issued.Count > 0
                    ? $"issued {string.Join(", ", prepared.Issued.Select(i => i.FileStem))} in {prepared.Layout.Directory}"
                    : $"{prepared.Layout.Directory} already holds every certificate of {topologyPath}");
            Console.Out.WriteLine(newKey ? $"token key made: {tokenKey}" : $"token key kept: {tokenKey}");

            var hosts = Path.Combine(data, "hosts");
            foreach (var (identity, _) in processes)
            {
                WriteHostFolder(prepared.Layout, tokenKey, identity, Path.Combine(hosts, identity.FileStem));
            }

            Console.Out.WriteLine($"per host: {hosts}/{{{string.Join(",", processes.Select(p => p.Identity.FileStem))}}}");
            return Task.FromResult(0);
        }
        catch (Exception e) when (e is ClusterPkiException or PrivateFileException or IOException or UnauthorizedAccessException)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>One process's folder: the CA certificate, its own certificate and key, and the token key if it signs or checks tokens.</summary>
    private static void WriteHostFolder(PkiLayout layout, string tokenKey, ClusterIdentity identity, string folder)
    {
        PrivateFiles.CreateOwnerOnlyDirectory(folder);
        var target = new PkiLayout(folder);
        CopyPrivate(layout.CaCertificate, target.CaCertificate);
        CopyPrivate(layout.CertificateOf(identity), target.CertificateOf(identity));
        CopyPrivate(layout.KeyOf(identity), target.KeyOf(identity));
        if (identity.Role is ClusterRole.Login or ClusterRole.Cell or ClusterRole.Chat)
        {
            CopyPrivate(tokenKey, Path.Combine(folder, "token.key"));
        }
    }

    private static void CopyPrivate(string from, string to)
    {
        File.Copy(from, to, overwrite: true);
        PrivateFiles.RestrictToOwner(to);
    }
}
