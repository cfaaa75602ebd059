using Grpc.Core;
using ImCells.Protos.Topology;
using ImCells.Server.Grpc;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Hosting;

/// <summary>What login and cells both need: the master's map (kept fresh), peer channels, tokens.</summary>
public static partial class ClusterServices
{
    /// <summary>How often login and cells ask the master for a newer map (a change is seen within this).</summary>
    public static readonly TimeSpan TopologyRefresh = TimeSpan.FromSeconds(2);

    /// <summary>How long a starting server waits for the master's first map.</summary>
    public static readonly TimeSpan FirstMapWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a master that does not answer yet is only a debug line: servers of a cluster start
    /// together and the master is often the last to listen. After it, a warning every few seconds.
    /// </summary>
    private static readonly TimeSpan QuietStart = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarnEvery = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The cluster services, with the master's first map fetched in a startup step (waiting up to
    /// 30 s for the master to come up): later startup steps read it from <see cref="TopologyCache"/>.
    /// If the master does not answer in time the server stops with one line and exit code 1. Every
    /// call (to the master, to peers through <see cref="ChannelPool"/>) is mutual TLS with the
    /// credentials of <see cref="TlsServices.AddImCellsTls"/>, which must be added first.
    /// The token key is read in an earlier step (<see cref="TokenServices.AddImCellsTokens"/>).
    /// </summary>
    public static IServiceCollection AddImCellsCluster(this IServiceCollection services, IConfiguration configuration)
    {
        var masterUrl = MasterUrl(configuration);
        // Version 0 stands for "no map yet": the master only serves versions from 1.
        services.AddSingleton(sp => new TopologyCache(new TopologyIndex(new TopologyMap()),
            TopologyCache.CreateClient(masterUrl, sp.GetRequiredService<ClusterCredentials>()), TopologyRefresh,
            sp.GetRequiredService<ILogger<TopologyCache>>()));
        services.AddHostedService(sp => sp.GetRequiredService<TopologyCache>());
        services.AddSingleton(sp => PeerChannels(sp));
        services.AddSingleton(TimeProvider.System);
        services.AddImCellsTokens();
        return services.AddStartupStep((sp, cancellationToken) =>
            FetchFirstMapAsync(sp, masterUrl,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ClusterServices)), cancellationToken));
    }

    private static string MasterUrl(IConfiguration configuration) => configuration["MasterUrl"] ?? "https://127.0.0.1:7000";

    /// <summary>Peer channels that expect, at each URL, whom the map of the moment puts there.</summary>
    private static ChannelPool PeerChannels(IServiceProvider services)
    {
        var topology = services.GetRequiredService<TopologyCache>();
        return new ChannelPool(services.GetRequiredService<ClusterCredentials>(), url => topology.Current.Map.IdentityAt(url),
            services.GetRequiredService<ILogger<ChannelPool>>());
    }

    private static async Task FetchFirstMapAsync(IServiceProvider services, string masterUrl, ILogger logger, CancellationToken cancellationToken)
    {
        if (!Endpoints.IsHttps(masterUrl))
        {
            throw new StartupException($"MasterUrl (--master) '{masterUrl}' must be https://: the master speaks mutual TLS only", ServerRun.InvalidSettingExitCode);
        }

        var cache = services.GetRequiredService<TopologyCache>();
        var deadline = DateTime.UtcNow + FirstMapWait;
        var nextWarning = DateTime.UtcNow + QuietStart;
        while (true)
        {
            string problem;
            try
            {
                if (await cache.RefreshAsync(cancellationToken))
                {
                    return;
                }

                problem = "the answer held no map";
            }
            catch (RpcException e)
            {
                problem = e.Status.Detail;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new StartupException($"master {masterUrl} did not answer within {FirstMapWait.TotalSeconds:0} s: {problem}");
            }

            if (DateTime.UtcNow >= nextWarning)
            {
                MasterNotAnswering(logger, masterUrl, problem);
                nextWarning = DateTime.UtcNow + WarnEvery;
            }
            else
            {
                MasterNotAnsweringYet(logger, masterUrl, problem);
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Master {Url} has not given a map yet ({Problem}); asking again")]
    private static partial void MasterNotAnswering(ILogger logger, string url, string problem);

    [LoggerMessage(2, LogLevel.Debug, "Master {Url} has not given a map yet ({Problem}); it may still be starting")]
    private static partial void MasterNotAnsweringYet(ILogger logger, string url, string problem);
}
