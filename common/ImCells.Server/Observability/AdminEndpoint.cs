using ImCells.Server.Hosting;
using ImCells.Server.Security;
using ImCells.Trust;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Prometheus;

namespace ImCells.Server.Observability;

/// <summary>
/// What every server shows about itself: the admin endpoint (Hosting:AdminListen, plain HTTP/1.1:
/// /metrics, /healthz, /readyz, /info), and on its gRPC port the standard grpc.health.v1 service
/// (the same readiness checks) and gRPC reflection.
/// </summary>
public static class AdminEndpoint
{
    /// <summary>The tag of the checks that make up readiness (/readyz and grpc.health.v1).</summary>
    public const string ReadyTag = "ready";

    /// <summary>How long one readiness check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Registers <paramref name="info"/>, the health checks (returned, for the server to add its own
    /// with <see cref="AddReadinessCheck{T}"/>), gRPC health and reflection, and the admin listen
    /// address (a startup step; nothing when Hosting:AdminListen is not set).
    /// </summary>
    public static IHealthChecksBuilder AddImCellsAdmin(this IServiceCollection services, ProcessInfo info)
    {
        services.AddValidatedOptions<HostingOptions, HostingOptionsValidation>(HostingOptions.Section);
        services.AddSingleton(info);
        services.AddGrpcReflection();
        services.AddStartupStep((sp, _) =>
        {
            if (sp.GetRequiredService<HostingOptions>().AdminListen is { } url)
            {
                MetricsExport.StartDefault();
                var endpoint = ListenAddresses.ForUrl(sp, url, $"admin {url}");
                sp.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Listen(endpoint, o => o.Protocols = HttpProtocols.Http1);
            }

            return Task.CompletedTask;
        });
        services.AddSingleton<IHealthCheckPublisher, ReadinessPublisher>();
        services.Configure<HealthCheckPublisherOptions>(o =>
        {
            o.Delay = TimeSpan.FromSeconds(1);
            o.Period = ReadinessMetrics.Period;
        });
        return services.AddGrpcHealthChecks();
    }

    /// <summary>A readiness check with the standard timeout; <paramref name="failure"/> is what a failure or timeout reports.</summary>
    public static IHealthChecksBuilder AddReadinessCheck<T>(this IHealthChecksBuilder builder, string name, HealthStatus failure = HealthStatus.Unhealthy)
        where T : class, IHealthCheck =>
        builder.AddCheck<T>(name, failure, [ReadyTag], CheckTimeout);

    /// <summary>The master's map is here and the master answers: what login servers and cells need.</summary>
    public static IHealthChecksBuilder AddClusterReadiness(this IHealthChecksBuilder builder) =>
        builder.AddReadinessCheck<TopologyHealthCheck>("topology").AddReadinessCheck<MasterHealthCheck>("master");

    /// <summary>
    /// Maps the admin routes (only on the admin port, and nothing else there) and, on the gRPC port,
    /// grpc.health.v1 and reflection. Internal ports (<paramref name="publicPort"/> false) admit any
    /// cluster certificate to both; the login port, which devices call without one, serves health
    /// to anybody (a load balancer's probe) and no reflection.
    /// </summary>
    public static void MapImCellsAdmin(this WebApplication app, bool publicPort = false)
    {
        var health = app.MapGrpcHealthChecksService();
        if (publicPort)
        {
            health.WithMetadata(new OpenToClientsAttribute());
        }
        else
        {
            health.WithMetadata(new CallableByAttribute(Enum.GetValues<ClusterRole>()));
            app.MapGrpcReflectionService().WithMetadata(new CallableByAttribute(Enum.GetValues<ClusterRole>()));
        }

        // An invalid value maps nothing here: the settings check refuses to start with it anyway.
        if (!Uri.TryCreate(app.Configuration[$"{HostingOptions.Section}:{nameof(HostingOptions.AdminListen)}"], UriKind.Absolute, out var admin))
        {
            return;
        }

        var port = admin.Port;
        app.Use((context, next) => AdminRoute.OnItsPort(context, port, next));
        app.MapMetrics("/metrics").WithMetadata(AdminRoute.Instance);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).WithMetadata(AdminRoute.Instance);
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = ReadinessJson.WriteAsync,
        }).WithMetadata(AdminRoute.Instance);
        app.MapGet("/info", InfoAsync).WithMetadata(AdminRoute.Instance);
    }

    private static async Task InfoAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new System.Text.Json.Utf8JsonWriter(context.Response.Body, ProcessInfo.JsonOptions);
        context.RequestServices.GetRequiredService<ProcessInfo>().WriteJson(json);
        await json.FlushAsync(context.RequestAborted);
    }
}

/// <summary>Marks the admin routes: served on the admin port only, and the admin port serves nothing else.</summary>
internal sealed class AdminRoute
{
    public static readonly AdminRoute Instance = new();

    /// <summary>
    /// Matched by local port, not by the Host header a caller may write: /metrics never answers on
    /// the gRPC or login port, and no gRPC service answers on the admin port.
    /// </summary>
    public static Task OnItsPort(HttpContext context, int adminPort, RequestDelegate next)
    {
        var onAdminPort = context.Connection.LocalPort == adminPort;
        var adminRoute = context.GetEndpoint()?.Metadata.GetMetadata<AdminRoute>() is not null;
        if (onAdminPort == adminRoute)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }
}
