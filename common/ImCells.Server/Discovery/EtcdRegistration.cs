using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Discovery;

/// <summary>
/// Registers this chat-serving process in etcd under a lease and refreshes its load every
/// second; if the process dies the lease stops being kept alive and the key vanishes within the
/// TTL. On a clean stop the lease is revoked at once.
/// </summary>
public sealed partial class EtcdRegistration(
    DiscoveryOptions options,
    ChatServerEntry self,
    Func<uint> connections,
    ILogger<EtcdRegistration> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var client = new EtcdClient(options.Etcd);
        var key = options.Prefix + self.Cell + "/" + self.ServingId;
        while (!stoppingToken.IsCancellationRequested)
        {
            long lease = 0;
            using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                lease = (await client.LeaseGrantAsync(new LeaseGrantRequest { TTL = options.TtlSeconds },
                    deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: stoppingToken)).ID;
                var keeping = client.LeaseKeepAlive(lease, keepAlive.Token);
                Registered(logger, key, options.Etcd, options.TtlSeconds);
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                do
                {
                    var value = JsonSerializer.Serialize(self with { Connections = connections() });
                    await client.PutAsync(new PutRequest { Key = ByteString.CopyFromUtf8(key), Value = ByteString.CopyFromUtf8(value), Lease = lease },
                        deadline: DateTime.UtcNow.AddSeconds(3), cancellationToken: stoppingToken);
                }
                while (await timer.WaitForNextTickAsync(stoppingToken) && !keeping.IsCompleted);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                RegistrationFailed(logger, options.Etcd, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
            finally
            {
                await keepAlive.CancelAsync();
            }

            if (stoppingToken.IsCancellationRequested && lease != 0)
            {
                await RevokeAsync(client, lease);
            }
        }
    }

    private static async Task RevokeAsync(EtcdClient client, long lease)
    {
        try
        {
            await client.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }, deadline: DateTime.UtcNow.AddSeconds(2));
        }
        catch (Exception)
        {
            // The lease then simply expires.
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Registered {Key} in etcd {Etcd} (lease TTL {Ttl} s)")]
    private static partial void Registered(ILogger logger, string key, string etcd, int ttl);

    [LoggerMessage(2, LogLevel.Warning, "etcd {Etcd} registration failed: {Problem}; retrying")]
    private static partial void RegistrationFailed(ILogger logger, string etcd, string problem);
}
