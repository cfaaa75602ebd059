using ImCells.Cell.Chat;

namespace ImCells.Cell.Messaging;

/// <summary>
/// Who a request is executed for: a user of this cell and the device that asked. The connection
/// is there when the device is connected to this cell, null when it roams elsewhere.
/// </summary>
internal sealed record Caller(ulong UserId, string DeviceId, ChatSession? Connection);
