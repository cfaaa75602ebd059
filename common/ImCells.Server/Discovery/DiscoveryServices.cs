using ImCells.Server.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImCells.Server.Discovery;

public static class DiscoveryServices
{
    /// <summary>
    /// <see cref="DiscoveryOptions"/> bound from "Discovery", checked at start, and registered as the
    /// validated value (consumers take <see cref="DiscoveryOptions"/>). Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddImCellsDiscoveryOptions(this IServiceCollection services)
    {
        return services.AddValidatedOptions<DiscoveryOptions, DiscoveryOptionsValidation>(DiscoveryOptions.Section);
    }

    /// <summary>
    /// The <see cref="IDiscovery"/> chosen by Discovery:Provider, kept current in the background: the
    /// chat servers registered in etcd, or <typeparamref name="TStatic"/> (what topology.json lists).
    /// </summary>
    public static IServiceCollection AddImCellsDiscovery<TStatic>(this IServiceCollection services)
        where TStatic : class, IDiscovery, IHostedService
    {
        services.AddImCellsDiscoveryOptions();
        services.AddSingleton<TStatic>();
        services.AddSingleton<EtcdDiscovery>();
        services.AddSingleton<IDiscovery>(sp => UsesEtcd(sp) ? sp.GetRequiredService<EtcdDiscovery>() : sp.GetRequiredService<TStatic>());
        services.AddSingleton<IHostedService>(sp => UsesEtcd(sp) ? sp.GetRequiredService<EtcdDiscovery>() : sp.GetRequiredService<TStatic>());
        return services;
    }

    /// <summary>With etcd discovery, keeps this chat-serving process registered (and its load current) under a lease.</summary>
    public static IServiceCollection AddImCellsChatRegistration(
        this IServiceCollection services, ChatServerEntry self, Func<IServiceProvider, Func<uint>> connections) =>
        services.AddImCellsChatRegistration(_ => self, connections);

    /// <summary>
    /// With etcd discovery, keeps this chat-serving process registered (and its load current) under a
    /// lease; <paramref name="self"/> is asked when the registration starts, after the startup steps.
    /// </summary>
    public static IServiceCollection AddImCellsChatRegistration(
        this IServiceCollection services, Func<IServiceProvider, ChatServerEntry> self, Func<IServiceProvider, Func<uint>> connections)
    {
        services.AddImCellsDiscoveryOptions();
        services.AddHostedService(sp => new EtcdRegistration(
            sp.GetRequiredService<DiscoveryOptions>(), () => self(sp), connections(sp), sp.GetRequiredService<ILogger<EtcdRegistration>>()));
        return services;
    }

    private static bool UsesEtcd(IServiceProvider services) => services.GetRequiredService<DiscoveryOptions>().UsesEtcd;
}
