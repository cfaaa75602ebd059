using System.Security.Cryptography;
using Grpc.Net.Client;
using ImCells.Trust;

namespace ImCells.Bench;

/// <summary>
/// A gRPC channel to one cell's admin service as the operator: over https:// with mutual TLS, the
/// operator certificate (operator-admin in the PKI directory) presented and only that cell's own
/// certificate accepted; over http:// (a loopback cluster without TLS) plain h2c.
/// </summary>
internal static class OperatorChannel
{
    public static ClusterIdentity Operator { get; } = ClusterIdentity.Operator("admin");

    public static GrpcChannel ToCell(string grpcUrl, string cellId, string pkiDirectory)
    {
        if (!Uri.TryCreate(grpcUrl, UriKind.Absolute, out var address) || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new BenchException($"cell {cellId}'s grpc address '{grpcUrl}' is not an http:// or https:// URL");
        }

        if (address.Scheme == Uri.UriSchemeHttp)
        {
            return GrpcChannel.ForAddress(address);
        }

        var operatorCredentials = LoadOperator(pkiDirectory);
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = ClusterTls.Handler(operatorCredentials.Trust, operatorCredentials.Certificate, server => IsCell(server, cellId)),
            DisposeHttpClient = true,
        });
    }

    /// <summary>Only the cell itself answers for its process (not one of its chat servers, not another cell).</summary>
    internal static bool IsCell(ClusterIdentity server, string cellId) => server == ClusterIdentity.Cell(cellId);

    private static ClusterCredentials LoadOperator(string pkiDirectory)
    {
        var layout = new PkiLayout(pkiDirectory);
        try
        {
            return ClusterCredentials.Load(layout, Operator);
        }
        catch (Exception e) when (e is IOException or PrivateFileException or InvalidDataException or CryptographicException)
        {
            throw new BenchException(
                $"cannot act as the operator: {e.Message} (a cell's status after a forced GC needs {layout.CertificateOf(Operator)} and its key; --pki DIR)", e);
        }
    }
}
