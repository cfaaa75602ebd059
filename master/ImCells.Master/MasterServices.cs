using ImCells.Server.Hosting;
using ImCells.Server.Observability;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImCells.Master;

internal static class MasterServices
{
    /// <summary>Exit code of a master whose topology file cannot be served.</summary>
    private const int BadTopologyExitCode = 1;

    /// <summary>
    /// Everything the master runs on: its settings (checked at start), the topology file (read at
    /// start; an invalid one stops the master with one line), its certificate (loaded next: a missing
    /// or unsafe file stops it with one line) and its listen address (the file's master.grpc, mutual
    /// TLS only).
    /// </summary>
    public static IServiceCollection AddImCellsMaster(this IServiceCollection services)
    {
        services.AddMasterOptions();
        services.AddImCellsGrpc();
        services.AddSingleton(sp => new TopologyStore(
            sp.GetRequiredService<MasterOptions>().Topology, TimeSpan.FromSeconds(1), sp.GetRequiredService<ILogger<TopologyStore>>()));
        services.AddHostedService(sp => sp.GetRequiredService<TopologyStore>());
        services.AddStartupStep((sp, _) =>
        {
            LoadTopology(sp.GetRequiredService<TopologyStore>(), sp.GetRequiredService<MasterOptions>().Topology);
            return Task.CompletedTask;
        });
        services.AddImCellsTls(_ => ClusterIdentity.Master);
        services.AddListenAtStartup((sp, kestrel) =>
        {
            var url = sp.GetRequiredService<TopologyStore>().Current.Map.MasterGrpc;
            kestrel.ListenCluster(ListenAddresses.ForUrl(sp, url, $"master.grpc {url}"), sp);
        });
        services.AddImCellsAdmin(new ProcessInfo("master", "master", null)).AddReadinessCheck<TopologyServedHealthCheck>("topology");
        return services;
    }

    /// <summary><see cref="MasterOptions"/> bound from "Master", checked at start, registered as the validated value.</summary>
    public static IServiceCollection AddMasterOptions(this IServiceCollection services)
    {
        return services.AddValidatedOptions<MasterOptions, MasterOptionsValidation>(MasterOptions.Section);
    }

    /// <summary>Where the master listens and which map it serves, for the "listening" line.</summary>
    public static string Listening(IServiceProvider services)
    {
        var current = services.GetRequiredService<TopologyStore>().Current;
        return $"{current.Map.MasterGrpc} (topology version {current.Version})";
    }

    private static void LoadTopology(TopologyStore store, string path)
    {
        try
        {
            store.Load();
        }
        catch (TopologyException e)
        {
            throw new StartupException($"{path}: {e.Message}", BadTopologyExitCode, e);
        }
    }
}
