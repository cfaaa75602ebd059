using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImCells.Server.Discovery;

public static class DiscoveryServices
{
    public static DiscoveryOptions DiscoveryOptions(this IConfiguration configuration) =>
        configuration.GetSection("Discovery").Get<DiscoveryOptions>() ?? new DiscoveryOptions();

    /// <summary>With etcd discovery, keeps this chat-serving process registered (and its load current) under a lease.</summary>
    public static IServiceCollection AddImCellsChatRegistration(
        this IServiceCollection services, DiscoveryOptions options, ChatServerEntry self, Func<IServiceProvider, Func<uint>> connections)
    {
        if (options.UsesEtcd)
        {
            services.AddHostedService(sp => new EtcdRegistration(options, self, connections(sp), sp.GetRequiredService<ILogger<EtcdRegistration>>()));
        }

        return services;
    }
}
