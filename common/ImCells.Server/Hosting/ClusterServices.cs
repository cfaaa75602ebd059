using ImCells.Server.Grpc;
using ImCells.Server.Security;
using ImCells.Topology;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Hosting;

/// <summary>What login and cells both need: the master's map (kept fresh), peer channels, tokens.</summary>
public static class ClusterServices
{
    /// <summary>How often login and cells ask the master for a newer map (a change is seen within this).</summary>
    public static readonly TimeSpan TopologyRefresh = TimeSpan.FromSeconds(2);

    /// <summary>Fetches the first map from the master (waits up to 30 s for it to come up).</summary>
    public static async Task<TopologyIndex> BootstrapTopologyAsync(IConfiguration configuration, ILogger logger)
    {
        var masterUrl = configuration["MasterUrl"] ?? "http://127.0.0.1:7000";
        return await TopologyCache.BootstrapAsync(TopologyCache.CreateClient(masterUrl), TimeSpan.FromSeconds(30), logger, CancellationToken.None);
    }

    public static IServiceCollection AddImCellsCluster(this IServiceCollection services, IConfiguration configuration, TopologyIndex initial)
    {
        var masterUrl = configuration["MasterUrl"] ?? "http://127.0.0.1:7000";
        services.AddSingleton(sp => new TopologyCache(initial, TopologyCache.CreateClient(masterUrl), TopologyRefresh,
            sp.GetRequiredService<ILogger<TopologyCache>>()));
        services.AddHostedService(sp => sp.GetRequiredService<TopologyCache>());
        services.AddSingleton<ChannelPool>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new TokenService(
            TokenKeyFile.LoadOrCreate(configuration["Token:KeyFile"] ?? "data/token.key"),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
