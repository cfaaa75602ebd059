using ImCells.Server.Discovery;
using ImCells.Server.Hosting;
using ImCells.Server.Observability;
using ImCells.Server.Security;
using ImCells.Topology;
using ImCells.Trust;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImCells.Login;

internal static class LoginServices
{
    /// <summary>
    /// Everything the login server runs on: its settings (checked at start), its certificate (loaded
    /// at start), the master's map (fetched at start), the listen address (--listen, else the map's
    /// login entry of --login-index; TLS when https://), the per-source limits and chat-server discovery.
    /// </summary>
    public static IServiceCollection AddImCellsLogin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLoginOptions();
        services.AddImCellsGrpc();
        services.AddImCellsTls(sp => ClusterIdentity.Login(sp.GetRequiredService<LoginOptions>().Index));
        services.AddImCellsCluster(configuration);
        services.AddTokenLifetimeCheck();
        services.AddListenAtStartup((sp, kestrel) =>
        {
            var url = ListenUrl(sp);
            kestrel.ListenForClients(ListenAddresses.ForUrl(sp, url, $"login {url}"), Endpoints.IsHttps(url), $"login {url}", $"https://{new Uri(url).Authority}", sp,
                o => o.Protocols = HttpProtocols.Http2);
        });
        services.AddSingleton<SourceLimits>();
        services.AddSingleton<PublicStatusCache>();
        services.AddImCellsDiscovery<ChatServerLoads>();
        services.AddImCellsAdmin(Describe(configuration)).AddClusterReadiness()
            .AddReadinessCheck<ChatServersHealthCheck>("chat_servers", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);
        return services;
    }

    /// <summary>How /info names this login server: "login N", N its place (from 1) in the topology's login list.</summary>
    private static ProcessInfo Describe(IConfiguration configuration) =>
        new($"login {(int.TryParse(configuration["Login:Index"], out var index) ? index + 1 : 1)}", "login", null);

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

    private static string ListenUrl(IServiceProvider services)
    {
        var options = services.GetRequiredService<LoginOptions>();
        if (options.Listen is { } listen)
        {
            return listen;
        }

        var map = services.GetRequiredService<TopologyCache>().Current;
        return options.Index < map.Map.Login.Count
            ? map.Map.Login[options.Index].Http
            : throw new StartupException(
                $"Login:Index = {options.Index}, but topology version {map.Version} lists {map.Map.Login.Count} login servers; give --listen or a smaller --login-index",
                ServerRun.InvalidSettingExitCode);
    }
}
