using Grpc.Core;
using ImCells.Topology;
using ImCells.Trust;

namespace ImCells.Server.Security;

/// <summary>
/// Checks of what a calling process claims in a request: a cell speaks only for the users its
/// ranges hold in the current topology, and names only itself as the sender.
/// </summary>
public static class CallerClaims
{
    /// <summary>The calling cell's id; refused unless the caller is a cell (not one of its chat servers).</summary>
    public static string CallingCell(this ServerCallContext context, TrustRefusals refusals)
    {
        var caller = context.Caller();
        return caller?.Role == ClusterRole.Cell
            ? caller.Id
            : throw refusals.Refuse(context, StatusCode.PermissionDenied, $"{context.Method} is for cells, not {caller?.ToString() ?? "an anonymous caller"}");
    }

    /// <summary>Refuses the call unless <paramref name="claimedCell"/> (a from_cell field) is the caller itself.</summary>
    public static void RequireSelfNamed(this ServerCallContext context, TrustRefusals refusals, string callerCell, string claimedCell)
    {
        if (claimedCell != callerCell)
        {
            throw refusals.Refuse(context, StatusCode.PermissionDenied, $"cell '{callerCell}' may not speak as cell '{claimedCell}'");
        }
    }

    /// <summary>
    /// The usual claim of a peering call: the caller is a cell, names itself in <paramref name="fromCell"/>,
    /// and speaks only for <paramref name="users"/> it homes. Returns the calling cell's id.
    /// </summary>
    public static string CellSpeakingForOwnUsers(
        this ServerCallContext context, TrustRefusals refusals, TopologyIndex map, string fromCell, IEnumerable<ulong> users, string what)
    {
        var caller = context.CallingCell(refusals);
        context.RequireSelfNamed(refusals, caller, fromCell);
        context.RequireOwnUsers(refusals, map, caller, users, what);
        return caller;
    }

    /// <summary>Refuses the whole call unless every group in <paramref name="groups"/> is homed in <paramref name="callerCell"/>.</summary>
    public static void RequireOwnGroups(this ServerCallContext context, TrustRefusals refusals, TopologyIndex map, string callerCell, IEnumerable<ulong> groups)
    {
        foreach (var group in groups)
        {
            var home = map.LocateGroup(group)?.Id;
            if (home != callerCell)
            {
                throw refusals.Refuse(context, StatusCode.PermissionDenied,
                    $"cell '{callerCell}' may not speak for group {group}: that number is {(home is null ? "in no cell's groupRanges" : $"homed in cell '{home}'")}");
            }
        }
    }

    /// <summary>Refuses the whole call unless every user in <paramref name="users"/> is homed in <paramref name="callerCell"/>.</summary>
    public static void RequireOwnUsers(this ServerCallContext context, TrustRefusals refusals, TopologyIndex map, string callerCell, IEnumerable<ulong> users, string what)
    {
        foreach (var user in users)
        {
            var home = map.Locate(user)?.Id;
            if (home != callerCell)
            {
                throw refusals.Refuse(context, StatusCode.PermissionDenied,
                    $"cell '{callerCell}' may not speak for user {user} ({what}): that number is {(home is null ? "in no cell" : $"homed in cell '{home}'")}");
            }
        }
    }
}
