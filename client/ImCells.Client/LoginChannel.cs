using Grpc.Net.Client;
using ImCells.Protos.Login;
using ImCells.Trust;

namespace ImCells.Client;

/// <summary>
/// The gRPC channel to one login server. An https:// server is checked against the cluster CA when
/// one is given (it must name a login server), else against the system's trust store (an operator
/// may put a public certificate on login); http:// stays plaintext h2c for loopback development.
/// </summary>
internal sealed class LoginChannel : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly TlsRefusal? _refusal;

    private LoginChannel(GrpcChannel channel, TlsRefusal? refusal)
    {
        _channel = channel;
        _refusal = refusal;
        Client = new Login.LoginClient(channel);
    }

    public Login.LoginClient Client { get; }

    public string Target => _channel.Target;

    /// <summary>Why the cluster CA check refused this server's certificate last, or null.</summary>
    public string? RefusalReason => _refusal?.Reason;

    public static LoginChannel Open(string url, ClusterTrust? trust)
    {
        var address = new Uri(url);
        var handler = HandlerFor(address, trust);
        if (handler is null)
        {
            return new LoginChannel(GrpcChannel.ForAddress(address), null);
        }

        var refusal = TlsRefusal.Watch(handler.SslOptions, trust, "a login server");
        return new LoginChannel(GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true }), refusal);
    }

    /// <summary>
    /// The handler for <paramref name="address"/>: the cluster CA's check for https:// with a CA;
    /// null (gRPC's default handler: system trust store, or h2c for http://) otherwise.
    /// </summary>
    internal static SocketsHttpHandler? HandlerFor(Uri address, ClusterTrust? trust) =>
        trust is not null && address.Scheme == Uri.UriSchemeHttps
            ? ClusterTls.Handler(trust, clientCertificate: null, IsLoginServer)
            : null;

    internal static bool IsLoginServer(ClusterIdentity server) => server.Role == ClusterRole.Login;

    public void Dispose() => _channel.Dispose();
}
