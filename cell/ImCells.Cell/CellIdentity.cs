namespace ImCells.Cell;

/// <summary>Which cell this process serves.</summary>
internal sealed record CellIdentity(string Id);
