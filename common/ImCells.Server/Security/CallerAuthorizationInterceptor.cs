using Grpc.Core;
using Grpc.Core.Interceptors;
using ImCells.Trust;
using Microsoft.AspNetCore.Http;

namespace ImCells.Server.Security;

/// <summary>
/// Lets a call through only when the caller's role is one the service (or method) names in
/// <see cref="CallableByAttribute"/>. What the caller then claims inside the request is checked by
/// the service itself (see <see cref="CallerClaims"/>).
/// </summary>
public sealed class CallerAuthorizationInterceptor(TrustRefusals refusals) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        var metadata = context.GetHttpContext().GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<OpenToClientsAttribute>() is not null)
        {
            return;
        }

        // The method's own list wins over the class's: metadata holds class attributes first.
        var allowed = metadata?.GetOrderedMetadata<CallableByAttribute>().LastOrDefault();
        if (allowed is null)
        {
            throw refusals.Refuse(context, StatusCode.PermissionDenied, $"{context.Method} has no caller policy; nobody may call it");
        }

        var caller = context.Caller();
        if (caller is null)
        {
            throw refusals.Refuse(context, StatusCode.Unauthenticated, "a cluster certificate is required");
        }

        if (!allowed.Roles.Contains(caller.Role))
        {
            throw refusals.Refuse(context, StatusCode.PermissionDenied,
                $"{context.Method} may be called by {string.Join(" or ", allowed.Roles.Select(RoleName))}, not by {RoleName(caller.Role)} {caller.Id}");
        }
    }

    private static string RoleName(ClusterRole role) => role.ToString().ToLowerInvariant();
}
