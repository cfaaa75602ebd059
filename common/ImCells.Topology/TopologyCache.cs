using Grpc.Core;
using Grpc.Net.Client;
using ImCells.Protos.Master;
using ImCells.Trust;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ImCells.Topology;

/// <summary>
/// The master's map as this process last saw it. Polls <c>GetTopology(since_version)</c> so a new
/// version reaches login and cells within one refresh interval; keeps the old map while the master
/// is unreachable.
/// </summary>
public sealed class TopologyCache : BackgroundService
{
    private readonly Master.MasterClient _master;
    private readonly TimeSpan _refresh;
    private readonly ILogger<TopologyCache> _logger;
    private volatile TopologyIndex _current;

    public TopologyCache(TopologyIndex initial, Master.MasterClient master, TimeSpan refresh, ILogger<TopologyCache> logger)
    {
        _current = initial;
        _master = master;
        _refresh = refresh;
        _logger = logger;
    }

    public TopologyIndex Current => _current;

    /// <summary>Raised after a newer map has been installed.</summary>
    public event Action<TopologyIndex>? Changed;

    /// <summary>
    /// A client of the master at <paramref name="masterUrl"/> (https:// only) over mutual TLS: it presents
    /// <paramref name="credentials"/> and accepts only a server whose certificate names the master.
    /// </summary>
    public static Master.MasterClient CreateClient(string masterUrl, ClusterCredentials credentials) =>
        Endpoints.IsHttps(masterUrl)
            ? new(GrpcChannel.ForAddress(masterUrl, new GrpcChannelOptions
            {
                HttpHandler = ClusterTls.Handler(credentials.Trust, credentials.Certificate, identity => identity == ClusterIdentity.Master),
            }))
            : throw new ArgumentException($"the master's URL '{masterUrl}' must be https://: it speaks mutual TLS only", nameof(masterUrl));

    /// <summary>Asks the master once; returns true when a newer map was installed.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        var reply = await _master.GetTopologyAsync(
            new GetTopologyRequest { SinceVersion = current.Version },
            deadline: DateTime.UtcNow.AddSeconds(3),
            cancellationToken: cancellationToken);
        if (reply.Map is null || reply.Version <= current.Version)
        {
            return false;
        }

        var next = new TopologyIndex(reply.Map);
        _current = next;
        TopologyLog.NewVersion(_logger, current.Version, next.Version, next.Map.Cells.Count);
        Changed?.Invoke(next);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_refresh);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (RpcException e)
            {
                TopologyLog.MasterUnreachable(_logger, e.Status.Detail);
            }
        }
    }
}

internal static partial class TopologyLog
{
    [LoggerMessage(1, LogLevel.Information, "Topology version {Old} -> {New} ({Cells} cells)")]
    public static partial void NewVersion(ILogger logger, ulong old, ulong @new, int cells);

    [LoggerMessage(2, LogLevel.Warning, "Master unreachable, keeping the last map: {Detail}")]
    public static partial void MasterUnreachable(ILogger logger, string detail);
}
