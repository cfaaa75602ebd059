using System.Text.RegularExpressions;
using ImCells.Protos.Topology;

namespace ImCells.Topology;

/// <summary>Rules a map must satisfy before anyone is told about it.</summary>
public static partial class TopologyValidator
{
    /// <summary>Database providers a cell can open.</summary>
    public static readonly IReadOnlySet<string> Providers = new HashSet<string> { "sqlite", "postgres", "sqlserver" };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex CellIdPattern();

    public static void Validate(TopologyMap map)
    {
        if (map.Version == 0)
        {
            throw new TopologyException("version must be 1 or more");
        }

        RequireInternalUrl(map.MasterGrpc, "master.grpc");
        if (map.Login.Count == 0)
        {
            throw new TopologyException("login must list at least one login server");
        }

        for (var i = 0; i < map.Login.Count; i++)
        {
            RequireUrl(map.Login[i].Http, $"login[{i}].http", [Uri.UriSchemeHttps, Uri.UriSchemeHttp]);
        }

        if (map.Cells.Count == 0)
        {
            throw new TopologyException("cells must list at least one cell");
        }

        var ids = new HashSet<string>();
        var endpoints = new Dictionary<string, string>();
        ClaimEndpoint(endpoints, EndpointKey(map.MasterGrpc), "master.grpc");
        for (var i = 0; i < map.Login.Count; i++)
        {
            ClaimEndpoint(endpoints, EndpointKey(map.Login[i].Http), $"login[{i}].http");
        }

        foreach (var cell in map.Cells)
        {
            var where = $"cell '{cell.Id}'";
            if (!CellIdPattern().IsMatch(cell.Id))
            {
                throw new TopologyException($"cell id '{cell.Id}' is invalid: use 1-32 of a-z, 0-9 and '-'");
            }

            if (!ids.Add(cell.Id))
            {
                throw new TopologyException($"duplicate cell id '{cell.Id}'");
            }

            if (cell.Ranges.Count == 0)
            {
                throw new TopologyException($"{where} has no ranges");
            }

            foreach (var range in cell.Ranges.Concat(cell.GroupRanges))
            {
                if (range.First == 0 || range.First > range.Last)
                {
                    throw new TopologyException($"{where} has a bad range {range.First}-{range.Last}: need 0 < first <= last");
                }
            }

            RequireInternalUrl(cell.Grpc, $"{where} grpc");
            ClaimEndpoint(endpoints, EndpointKey(cell.Grpc), $"{where} grpc");
            if (cell.Chat.Count == 0)
            {
                throw new TopologyException($"{where} lists no chat endpoint");
            }

            foreach (var chat in cell.Chat)
            {
                ClaimEndpoint(endpoints, ChatKey(chat, $"{where} chat endpoint"), $"{where} chat");
            }

            for (var i = 0; i < cell.ChatServers.Count; i++)
            {
                var server = cell.ChatServers[i];
                var what = $"{where} chatServers[{i}]";
                ClaimEndpoint(endpoints, ChatKey(server.Chat, $"{what} chat endpoint"), $"{what} chat");
                RequireInternalUrl(server.Grpc, $"{what} grpc");
                ClaimEndpoint(endpoints, EndpointKey(server.Grpc), $"{what} grpc");
            }

            if (cell.Database is null || !Providers.Contains(cell.Database.Provider))
            {
                throw new TopologyException(
                    $"{where} database provider '{cell.Database?.Provider}' is not one of: {string.Join(", ", Providers)}");
            }

            if (string.IsNullOrWhiteSpace(cell.Database.Connection))
            {
                throw new TopologyException($"{where} has no database connection string");
            }
        }

        foreach (var removed in map.RemovedCells.Where(ids.Contains))
        {
            throw new TopologyException(
                $"cell '{removed}' is in cells and in removedCells: a removed cell's id (and its database) is not used again; choose another id");
        }

        RejectOverlaps(map);
    }

    /// <summary>
    /// A running master may move to <paramref name="next"/> only if no cell that stays loses numbers.
    /// A cell may be dropped whole only when <paramref name="next"/> lists it in removedCells: that it
    /// has no users is checked by whoever drops it (`imcells topology remove-cell` asks the cell, or
    /// reads its database), which the master cannot; the list keeps a slip of an edit (or going back
    /// to an old file) from dropping a live cell.
    /// </summary>
    public static void ValidateChange(TopologyMap current, TopologyMap next)
    {
        Validate(next);
        foreach (var cell in current.Cells)
        {
            if (next.Cells.FirstOrDefault(c => c.Id == cell.Id) is not { } successor)
            {
                if (!next.RemovedCells.Contains(cell.Id))
                {
                    throw new TopologyException(
                        $"cell '{cell.Id}' is missing: a live cell is not dropped by an edit; `imcells topology remove-cell --id {cell.Id}` removes a cell without users (and lists it in removedCells)");
                }

                continue;
            }
            foreach (var range in cell.Ranges)
            {
                if (!successor.Ranges.Any(r => r.First <= range.First && r.Last >= range.Last))
                {
                    throw new TopologyException(
                        $"cell '{cell.Id}' range {range.First}-{range.Last} shrinks; a live cell's range can only grow");
                }
            }

            foreach (var range in cell.GroupRanges)
            {
                if (!successor.GroupRanges.Any(r => r.First <= range.First && r.Last >= range.Last))
                {
                    throw new TopologyException(
                        $"cell '{cell.Id}' group range {range.First}-{range.Last} shrinks; a live cell's groups cannot move");
                }
            }
        }
    }

    private static void RejectOverlaps(TopologyMap map)
    {
        // User and group numbers share one space, so a number names one thing.
        var all = map.Cells
            .SelectMany(c => c.Ranges.Concat(c.GroupRanges).Select(r => (Cell: c.Id, r.First, r.Last)))
            .OrderBy(r => r.First)
            .ToList();
        for (var i = 1; i < all.Count; i++)
        {
            var (prev, cur) = (all[i - 1], all[i]);
            if (cur.First <= prev.Last)
            {
                throw new TopologyException(
                    $"range {cur.First}-{cur.Last} of cell '{cur.Cell}' overlaps range {prev.First}-{prev.Last} of cell '{prev.Cell}'");
            }
        }
    }

    /// <summary>Server-to-server gRPC is mutual TLS only, so a plaintext URL there is a mistake, not a choice.</summary>
    private static void RequireInternalUrl(string value, string what) =>
        RequireUrl(value, what, [Uri.UriSchemeHttps], ": servers call each other over mutual TLS only");

    /// <summary>An endpoint URL (scheme, host and an explicit port, nothing else) with one of <paramref name="schemes"/>.</summary>
    private static void RequireUrl(string value, string what, string[] schemes, string why = "")
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            || uri.IsDefaultPort || uri.AbsolutePath != "/")
        {
            throw new TopologyException($"{what} '{value}' is not an endpoint like {schemes[0]}://127.0.0.1:7000");
        }

        if (!schemes.Contains(uri.Scheme))
        {
            throw new TopologyException($"{what} '{value}' must be {string.Join(" or ", schemes.Select(s => s + "://"))}{why}");
        }
    }

    /// <summary>The host:port a chat entry ("host:port" or "tls://host:port") claims.</summary>
    private static string ChatKey(string chat, string what)
    {
        if (!Endpoints.TryParseChat(chat, out _, out _, out var tls))
        {
            throw new TopologyException($"{what} '{chat}' is not host:port or tls://host:port");
        }

        return tls ? chat[Endpoints.TlsPrefix.Length..] : chat;
    }

    private static string EndpointKey(string url)
    {
        var uri = new Uri(url);
        return $"{uri.Host}:{uri.Port}";
    }

    private static void ClaimEndpoint(Dictionary<string, string> claimed, string endpoint, string what)
    {
        if (!claimed.TryAdd(endpoint, what))
        {
            throw new TopologyException($"{what} reuses {endpoint}, already used by {claimed[endpoint]}");
        }
    }
}
