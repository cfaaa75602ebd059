using Grpc.AspNetCore.Server;
using Microsoft.Extensions.DependencyInjection;

namespace ImCells.Server.Security;

/// <summary>gRPC for every ImCells server: each call passes the caller's role check first.</summary>
public static class GrpcServerSetup
{
    public static IServiceCollection AddImCellsGrpc(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        services.AddSingleton<TrustRefusals>();
        services.AddSingleton<CallerAuthorizationInterceptor>();
        services.AddGrpc(o =>
        {
            o.Interceptors.Add<CallerAuthorizationInterceptor>();
            configure?.Invoke(o);
        });
        return services;
    }
}
