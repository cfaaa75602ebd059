namespace ImCells.Cell.FrontDoor;

/// <summary>Who a request is executed for: a user of this cell and the device that asked (connected here or elsewhere).</summary>
internal sealed record Caller(ulong UserId, string DeviceId);
