using System.Collections.Concurrent;
using Grpc.Net.Client;
using ImCells.Protos.Cell;

namespace ImCells.Server.Grpc;

/// <summary>
/// One long-lived HTTP/2 channel per peer URL: gRPC channels are expensive to create and
/// multiplex many calls, so login and cells keep them for the life of the process.
/// </summary>
public sealed class ChannelPool : IDisposable
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);

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

    public Cell.CellClient Cell(string grpcUrl) => new(Get(grpcUrl));

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }
}
