namespace ImCells.Cell.Chat;

/// <summary>Who a connection belongs to, as its token says; <see cref="HomeCell"/> differs from this cell when the user roams.</summary>
internal sealed record ChatIdentity(ulong UserId, string DeviceId, string HomeCell);
