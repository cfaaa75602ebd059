using System.Security.Cryptography;
using Grpc.Core;
using Grpc.Net.Client;
using ImCells.ClusterHost;
using ImCells.Protos.Cell;
using ImCells.Trust;

namespace ImCells.Cli;

/// <summary>
/// The operator's view of a cell: its own CellAdmin.Status, asked over mutual TLS with the operator
/// certificate (operator-admin in the PKI directory: --pki DIR, else data/pki under the repository
/// root), and answered only by that cell's own certificate. Login's Status tells anyone whether a
/// cell is up; load, memory and process figures are for the holder of this certificate.
/// </summary>
internal sealed class OperatorCells(ClusterCredentials credentials)
{
    public const string Option = "--pki";

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The operator's credentials: from --pki DIR (which must hold them), else from the default PKI
    /// directory when it holds them; null (with <paramref name="missing"/> saying what) otherwise.
    /// </summary>
    public static OperatorCells? Open(CliArgs args, out string? missing)
    {
        missing = null;
        var given = args.Optional(Option);
        var directory = given ?? (RepoRoot.TryFind() is { } root ? PkiLayout.DefaultDirectory(Path.Combine(root, RepoRoot.DataFolder)) : null);
        if (directory is null)
        {
            missing = $"no repository root to find data/pki in; give {Option} DIR";
            return null;
        }

        var layout = new PkiLayout(directory);
        if (given is null && !File.Exists(layout.CertificateOf(ClusterPki.Operator)))
        {
            missing = $"{layout.CertificateOf(ClusterPki.Operator)} does not exist; give {Option} DIR";
            return null;
        }

        try
        {
            return new OperatorCells(ClusterCredentials.Load(layout, ClusterPki.Operator));
        }
        catch (Exception e) when (e is IOException or PrivateFileException or InvalidDataException or CryptographicException)
        {
            throw new CliException($"cannot act as the operator, whose certificate the figures need: {e.Message}");
        }
    }

    /// <summary>Cell <paramref name="cellId"/>'s own Status at <paramref name="grpcUrl"/>; an RpcException says why not.</summary>
    public async Task<StatusReply> StatusAsync(string cellId, string grpcUrl, CancellationToken ct = default)
    {
        using var channel = GrpcChannel.ForAddress(grpcUrl, new GrpcChannelOptions
        {
            HttpHandler = ClusterTls.Handler(credentials.Trust, credentials.Certificate, server => server == ClusterIdentity.Cell(cellId)),
            DisposeHttpClient = true,
        });
        return await new CellAdmin.CellAdminClient(channel).StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow.Add(CallDeadline), cancellationToken: ct);
    }

    /// <summary>The reason of a failed call in one line (a refused handshake is reported a few levels down).</summary>
    public static string Describe(RpcException e) =>
        e.Status.DebugException?.GetBaseException().Message is { Length: > 0 } inner && string.IsNullOrEmpty(e.Status.Detail)
            ? inner
            : $"{e.StatusCode} {e.Status.Detail}".TrimEnd();
}
