using ImCells.Server.Discovery;
using ImCells.Server.Hosting;
using ImCells.Topology;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImCells.Login;

internal static class LoginServices
{
    /// <summary>
    /// Everything the login server runs on: its settings (checked at start), the master's map
    /// (fetched at start), the listen address (--listen, else the map's first login entry), the
    /// failed-login throttle and chat-server discovery.
    /// </summary>
    public static IServiceCollection AddImCellsLogin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLoginOptions();
        services.AddGrpc();
        services.AddImCellsCluster(configuration);
        services.AddTokenLifetimeCheck();
        services.AddListenAtStartup((sp, kestrel) => kestrel.Listen(Endpoints.FromUrl(ListenUrl(sp)), o => o.Protocols = HttpProtocols.Http2));
        services.AddSingleton<FailedLoginThrottle>();
        services.AddImCellsDiscovery<ChatServerLoads>();
        return services;
    }

    /// <summary><see cref="LoginOptions"/> bound from "Login", checked at start, registered as the validated value.</summary>
    public static IServiceCollection AddLoginOptions(this IServiceCollection services)
    {
        return services.AddValidatedOptions<LoginOptions, LoginOptionsValidation>(LoginOptions.Section);
    }

    /// <summary>Login:TokenLifetimeHours checked against Token:MaxAgeHours at start (<see cref="TokenLifetimeValidation"/>).</summary>
    public static IServiceCollection AddTokenLifetimeCheck(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LoginOptions>, TokenLifetimeValidation>());
        return services;
    }

    /// <summary>Where login listens and which map it started with, for the "listening" line.</summary>
    public static string Listening(IServiceProvider services) =>
        $"{ListenUrl(services)} (topology version {services.GetRequiredService<TopologyCache>().Current.Version})";

    private static string ListenUrl(IServiceProvider services) =>
        services.GetRequiredService<LoginOptions>().Listen ?? services.GetRequiredService<TopologyCache>().Current.Map.Login[0].Http;
}
