using Grpc.Core;
using ImCells.Protos.Client;

namespace ImCells.Client;

/// <summary>
/// A refusal by the server or a transport failure, with the protocol's error code so callers can
/// branch on it (UNAVAILABLE for transport problems, BAD_TOKEN for a refused login, ...).
/// </summary>
public sealed class ImClientException : Exception
{
    public ImClientException(ErrorCode code, string message, StatusCode? grpcStatus = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        GrpcStatus = grpcStatus;
    }

    public ErrorCode Code { get; }

    /// <summary>The gRPC status when the error came from the login server; null for the chat protocol.</summary>
    public StatusCode? GrpcStatus { get; }

    internal static ImClientException Unavailable(string message, Exception? innerException = null) =>
        new(ErrorCode.Unavailable, message, null, innerException);
}
