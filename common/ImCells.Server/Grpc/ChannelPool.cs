using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using ImCells.Server.Hosting;
using ImCells.Trust;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Server.Grpc;

/// <summary>
/// One long-lived HTTP/2 channel per peer URL: gRPC channels are expensive to create and
/// multiplex many calls, so login and cells keep them for the life of the process. The typed
/// clients over them are kept too (they are thread-safe and hold nothing but the channel).
/// Every channel is mutual TLS: it presents this process's certificate, and accepts a server only
/// if its certificate chains to the cluster CA and names the identity that the current topology
/// puts at that URL (asked at each handshake, so a URL the map does not know is refused).
/// </summary>
public sealed partial class ChannelPool : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Url, Type Client), ClientBase> _clients = new();
    private readonly ClusterCredentials _credentials;
    private readonly Func<string, ClusterIdentity?> _identityAt;
    private readonly ILogger _logger;
    private readonly LogThrottle<string> _throttle = new(TimeSpan.FromMinutes(1));

    /// <param name="credentials">This process's certificate and the cluster CA.</param>
    /// <param name="identityAt">Who should answer at a URL, from the current topology; null for nobody.</param>
    public ChannelPool(ClusterCredentials credentials, Func<string, ClusterIdentity?> identityAt, ILogger<ChannelPool>? logger = null)
    {
        _credentials = credentials;
        _identityAt = identityAt;
        _logger = logger ?? NullLogger<ChannelPool>.Instance;
    }

    /// <summary>The channel to <paramref name="url"/>, which must be https://.</summary>
    public GrpcChannel Get(string url) => _channels.GetOrAdd(url, static (u, pool) => pool.Create(u), this);

    /// <summary>The generated client <typeparamref name="T"/> of one service, talking to <paramref name="url"/>.</summary>
    public T Client<T>(string url) where T : ClientBase<T> =>
        (T)_clients.GetOrAdd((url, typeof(T)), static (key, pool) =>
            (ClientBase)Activator.CreateInstance(typeof(T), (ChannelBase)pool.Get(key.Url))!, this);

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
        _clients.Clear();
    }

    private GrpcChannel Create(string url)
    {
        // An http:// URL would make the handler speak h2c and skip TLS altogether.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"'{url}' is not an https:// URL: servers call each other over mutual TLS only", nameof(url));
        }

        return GrpcChannel.ForAddress(url, new GrpcChannelOptions
        {
            HttpHandler = ClusterTls.Handler(_credentials.Trust, _credentials.Certificate, presented => Accepts(url, presented)),
        });
    }

    private bool Accepts(string url, ClusterIdentity presented)
    {
        var expected = _identityAt(url);
        if (expected == presented)
        {
            return true;
        }

        if (_throttle.Allow(url))
        {
            WrongServer(_logger, url, presented.ToString(), expected?.ToString() ?? "no server there");
        }

        return false;
    }

    [LoggerMessage(1, LogLevel.Warning, "Refused the server at {Url}: its certificate names {Presented}, the topology says {Expected} (logged once a minute per URL)")]
    private static partial void WrongServer(ILogger logger, string url, string presented, string expected);
}
