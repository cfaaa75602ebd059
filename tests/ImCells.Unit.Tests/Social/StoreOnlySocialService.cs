using ImCells.Cell;
using ImCells.Cell.Social;
using ImCells.Registry.Hlr;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Social;

/// <summary>A SocialService wired to the store only: for what it does before any cell, presence or notify is needed.</summary>
internal static class StoreOnlySocialService
{
    public static SocialService Create(SocialStore store) =>
        new(new CellIdentity("a"), null!, null!, store, null!, null!, null!, null!, null!, null!, TimeProvider.System, NullLogger<SocialService>.Instance);
}
