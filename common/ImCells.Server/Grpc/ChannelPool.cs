using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;

namespace ImCells.Server.Grpc;

/// <summary>
/// One long-lived HTTP/2 channel per peer URL: gRPC channels are expensive to create and
/// multiplex many calls, so login and cells keep them for the life of the process. The typed
/// clients over them are kept too (they are thread-safe and hold nothing but the channel).
/// </summary>
public sealed class ChannelPool : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Url, Type Client), ClientBase> _clients = new();

    public GrpcChannel Get(string url) => _channels.GetOrAdd(url, static u => GrpcChannel.ForAddress(u, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(3),
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
        },
    }));

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
}
