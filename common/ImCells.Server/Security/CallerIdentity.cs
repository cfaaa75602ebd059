using Grpc.Core;
using ImCells.Trust;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace ImCells.Server.Security;

/// <summary>
/// Who is calling a gRPC service: the cluster identity named by the client certificate of the
/// connection (Kestrel has already checked that it chains to the cluster CA during the handshake).
/// Parsed once per connection and kept in the connection's items.
/// </summary>
public static class CallerIdentity
{
    private static readonly object ItemKey = new();

    /// <summary>The caller's identity, or null when the connection presented no cluster certificate.</summary>
    public static ClusterIdentity? Caller(this ServerCallContext context) => Of(context.GetHttpContext());

    public static ClusterIdentity? Of(HttpContext http)
    {
        var items = http.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(ItemKey, out var cached))
        {
            return (ClusterIdentity?)cached;
        }

        var certificate = http.Connection.ClientCertificate;
        var identity = certificate is null ? null : CertificateIdentity.Of(certificate);
        if (items is not null)
        {
            items[ItemKey] = identity;
        }

        return identity;
    }
}
