using ImCells.Protos.Client;

namespace ImCells.Cell.Chat;

/// <summary>A request the server refuses; becomes an <see cref="Error"/> frame with this code and message.</summary>
internal sealed class ChatRequestException(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    public static ChatRequestException BadRequest(string message) => new(ErrorCode.BadRequest, message);
}
