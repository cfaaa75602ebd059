using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ImCells.Trust;

namespace ImCells.Client;

/// <summary>
/// The TLS handshake of a tls:// chat endpoint. With the cluster CA the server must chain to it and
/// name a serving place (the cell itself or one of its chat servers) of the cell that login sent us
/// to; without it, the system's trust store and the host name decide (an operator's public certificate).
/// </summary>
internal static class ChatTls
{
    /// <summary>Whether <paramref name="server"/> may serve devices of <paramref name="cellId"/>.</summary>
    public static bool Serves(ClusterIdentity server, string cellId) => server.IsServingPlace && server.CellId == cellId;

    /// <summary>
    /// Runs the handshake over the connected <paramref name="socket"/> (which the stream does not own)
    /// within <paramref name="timeout"/>; a refusal or silence becomes an UNAVAILABLE <see cref="ImClientException"/>.
    /// </summary>
    public static async Task<SslStream> HandshakeAsync(
        Socket socket, string endpoint, ChatEndpoint target, ClusterTrust? trust, string cellId, TimeSpan timeout, CancellationToken ct)
    {
        var options = trust is null
            ? new SslClientAuthenticationOptions { TargetHost = target.Host }
            : ClusterTls.ClientOptions(trust, clientCertificate: null, server => Serves(server, cellId), target.Host);
        var refusal = TlsRefusal.Watch(options, trust, $"a chat server of cell {cellId}");
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await tls.AuthenticateAsClientAsync(options, deadline.Token);
            return tls;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            await tls.DisposeAsync();
            var why = e is OperationCanceledException
                ? $"no answer within {timeout.TotalSeconds:0.###} s"
                : refusal.Reason ?? e.Message;
            throw ImClientException.Unavailable($"TLS handshake with {endpoint} failed: {why}", e);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
