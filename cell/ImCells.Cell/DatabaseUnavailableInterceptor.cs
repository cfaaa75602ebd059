using Grpc.Core;
using Grpc.Core.Interceptors;
using ImCells.Registry.Hlr;

namespace ImCells.Cell;

/// <summary>
/// A cell whose database server is down answers other cells UNAVAILABLE with the reason, instead
/// of an opaque UNKNOWN: callers retry UNAVAILABLE (the senders' outboxes keep the messages).
/// </summary>
internal sealed class DatabaseUnavailableInterceptor : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (HlrUnavailableException e)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, e.Message));
        }
    }
}
