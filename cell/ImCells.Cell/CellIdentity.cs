namespace ImCells.Cell;

/// <summary>
/// Which cell this process serves. <see cref="ServingId"/> names this process as a place devices
/// attach to: the cell id for the cell process, "cell#n" for its n-th extra chat server.
/// </summary>
internal sealed record CellIdentity(string Id, string? Serving = null)
{
    public string ServingId => Serving ?? Id;
}
