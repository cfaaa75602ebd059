using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using ImCells.Protos.Topology;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Discovery;

/// <summary>
/// The chat servers registered in etcd, kept by watching the prefix (and re-read every few
/// seconds, so a missed event heals). A server whose lease expired is gone from the answer.
/// </summary>
public sealed partial class EtcdDiscovery(DiscoveryOptions options, ILogger<EtcdDiscovery> logger) : BackgroundService, IDiscovery
{
    private static readonly TimeSpan FullRead = TimeSpan.FromSeconds(3);
    private volatile IReadOnlyList<ChatServerEntry> _entries = [];
    private readonly SemaphoreSlim _changed = new(0, 1);

    public IReadOnlyList<string> ChatEndpoints(CellInfo cell) =>
        _entries.Where(e => e.Cell == cell.Id).OrderBy(e => e.Connections).ThenBy(e => e.ServingId, StringComparer.Ordinal)
            .Select(e => e.Chat).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var client = new EtcdClient(options.Etcd);
        var watching = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!watching)
                {
                    var watch = new WatchRequest
                    {
                        CreateRequest = new WatchCreateRequest
                        {
                            Key = ByteString.CopyFromUtf8(options.Prefix),
                            RangeEnd = ByteString.CopyFromUtf8(EtcdClient.GetRangeEnd(options.Prefix)),
                        },
                    };
                    await client.WatchAsync(watch, (WatchResponse _) => Signal(), cancellationToken: stoppingToken);
                    watching = true;
                }

                var values = await client.GetRangeValAsync(options.Prefix, deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: stoppingToken);
                _entries = values.Values.Select(v => JsonSerializer.Deserialize<ChatServerEntry>(v)).OfType<ChatServerEntry>().ToList();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Keep the last list: better slightly stale than empty while etcd hiccups.
                ReadFailed(logger, options.Etcd, e.Message);
                watching = false;
            }

            try
            {
                await _changed.WaitAsync(FullRead, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "etcd {Etcd} could not be read: {Problem}; keeping the last list")]
    private static partial void ReadFailed(ILogger logger, string etcd, string problem);
}
