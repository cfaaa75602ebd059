using System.Text.Json;
using System.Text.Json.Serialization;
using ImCells.Protos.Topology;

namespace ImCells.Topology;

/// <summary>The operator's topology.json, as written on disk.</summary>
public sealed record TopologyFile(
    ulong Version,
    TopologyFile.MasterSection? Master,
    IReadOnlyList<TopologyFile.LoginSection>? Login,
    IReadOnlyList<TopologyFile.CellSection>? Cells,
    IReadOnlyList<string>? RemovedCells = null)
{
    public sealed record MasterSection(string? Grpc);

    public sealed record LoginSection(string? Http);

    public sealed record CellSection(
        string? Id,
        string? Region,
        IReadOnlyList<RangeSection>? Ranges,
        string? Grpc,
        IReadOnlyList<string>? Chat,
        DatabaseSection? Database,
        IReadOnlyList<ChatServerSection>? ChatServers = null,
        IReadOnlyList<RangeSection>? GroupRanges = null);

    public sealed record ChatServerSection(string? Chat, string? Grpc);

    public sealed record RangeSection(ulong First, ulong Last);

    public sealed record DatabaseSection(string? Provider, string? Connection);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Parses and validates; throws <see cref="TopologyException"/> naming the problem.</summary>
    public static TopologyMap Parse(string json)
    {
        TopologyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<TopologyFile>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new TopologyException($"topology is not valid JSON: {e.Message}");
        }

        if (file is null)
        {
            throw new TopologyException("topology is empty");
        }

        var map = file.ToMap();
        TopologyValidator.Validate(map);
        return map;
    }

    public static TopologyMap Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new TopologyException($"cannot read {path}: {e.Message}");
        }

        return Parse(json);
    }

    public static string ToJson(TopologyMap map) => JsonSerializer.Serialize(FromMap(map), JsonOptions);

    private TopologyMap ToMap()
    {
        var map = new TopologyMap { Version = Version, MasterGrpc = Master?.Grpc ?? "" };
        foreach (var login in Login ?? [])
        {
            map.Login.Add(new LoginServer { Http = login?.Http ?? "" });
        }

        foreach (var cell in Cells ?? [])
        {
            if (cell is null)
            {
                throw new TopologyException("cells contains a null entry");
            }

            var info = new CellInfo
            {
                Id = cell.Id ?? "",
                Region = cell.Region ?? "",
                Grpc = cell.Grpc ?? "",
                Database = new DatabaseInfo
                {
                    Provider = cell.Database?.Provider ?? "",
                    Connection = cell.Database?.Connection ?? "",
                },
            };
            info.Chat.AddRange((cell.Chat ?? []).Select(c => c ?? ""));
            info.Ranges.AddRange((cell.Ranges ?? []).Select(r => new NumberRange { First = r.First, Last = r.Last }));
            info.ChatServers.AddRange((cell.ChatServers ?? []).Select(c => new ChatServerInfo { Chat = c?.Chat ?? "", Grpc = c?.Grpc ?? "" }));
            info.GroupRanges.AddRange((cell.GroupRanges ?? []).Select(r => new NumberRange { First = r.First, Last = r.Last }));
            map.Cells.Add(info);
        }

        map.RemovedCells.AddRange((RemovedCells ?? []).Select(id => id ?? ""));
        return map;
    }

    private static TopologyFile FromMap(TopologyMap map) => new(
        map.Version,
        new MasterSection(map.MasterGrpc),
        map.Login.Select(l => new LoginSection(l.Http)).ToList(),
        map.Cells.Select(Section).ToList(),
        map.RemovedCells.Count == 0 ? null : map.RemovedCells.ToList());

    /// <summary>One cell as topology.json writes it (an empty list is left out).</summary>
    public static CellSection Section(CellInfo c) => new(
            c.Id,
            c.Region,
            c.Ranges.Select(r => new RangeSection(r.First, r.Last)).ToList(),
            c.Grpc,
            c.Chat.ToList(),
            new DatabaseSection(c.Database?.Provider, c.Database?.Connection),
            c.ChatServers.Count == 0 ? null : c.ChatServers.Select(x => new ChatServerSection(x.Chat, x.Grpc)).ToList(),
            c.GroupRanges.Count == 0 ? null : c.GroupRanges.Select(r => new RangeSection(r.First, r.Last)).ToList());
}
