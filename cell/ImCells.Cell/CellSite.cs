using ImCells.Protos.Topology;
using ImCells.Registry.Hlr;
using ImCells.Server.Hosting;
using ImCells.Topology;

namespace ImCells.Cell;

/// <summary>
/// Where this process stands in the topology and, for a cell, its open HLR. Filled by startup
/// steps (the map may not name a cell just added until the master has read the file), read by
/// everything that starts after them.
/// </summary>
/// <remarks>The HLR is disposed by the container, which hands it out as <see cref="HlrDatabase"/>.</remarks>
internal sealed partial class CellSite(CellOptions options, HlrOptions hlrOptions, TopologyCache topology, ILogger<CellSite> logger)
{
    private static readonly TimeSpan WaitForSelf = TimeSpan.FromSeconds(30);
    private CellInfo? _cell;
    private HlrDatabase? _database;
    private string _databaseConnection = "";

    public CellInfo Cell => _cell ?? throw new InvalidOperationException("the cell's topology entry is read at start");

    /// <summary>The extra chat server this process is, or null for the cell process.</summary>
    public ChatServerInfo? ChatServer => options.ChatServer > 0 ? Cell.ChatServers[options.ChatServer - 1] : null;

    public HlrDatabase Database => _database ?? throw new InvalidOperationException("the HLR is opened at start");

    public string Grpc => ChatServer?.Grpc ?? Cell.Grpc;

    public IReadOnlyList<string> Chat => ChatServer is { } server ? [server.Chat] : Cell.Chat;

    /// <summary>A cell just added to topology.json may start before the master has read the file: wait for it.</summary>
    public async Task FindSelfAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + WaitForSelf;
        while (topology.Current.FindCell(options.Id) is null && DateTime.UtcNow < deadline)
        {
            NotInTopologyYet(logger, options.Id, topology.Current.Version);
            await Task.Delay(500, cancellationToken);
            await topology.RefreshAsync(cancellationToken);
        }

        var map = topology.Current;
        _cell = map.FindCell(options.Id)
            ?? throw new StartupException($"cell '{options.Id}' is not in topology version {map.Version}", ServerRun.InvalidSettingExitCode);
        if (options.ChatServer > _cell.ChatServers.Count)
        {
            throw new StartupException(
                $"cell '{options.Id}' has {_cell.ChatServers.Count} extra chat servers in topology version {map.Version}, not {options.ChatServer}",
                ServerRun.InvalidSettingExitCode);
        }
    }

    /// <summary>Opens the cell's HLR: the topology's database unless Hlr:Connection names another.</summary>
    public async Task OpenDatabaseAsync(CancellationToken cancellationToken)
    {
        var effective = new HlrOptions
        {
            Provider = Cell.Database.Provider,
            Connection = string.IsNullOrEmpty(hlrOptions.Connection) ? Cell.Database.Connection : hlrOptions.Connection,
            PasswordIterations = hlrOptions.PasswordIterations,
            IntegrityCheck = hlrOptions.IntegrityCheck,
            IntegrityCheckSeconds = hlrOptions.IntegrityCheckSeconds,
        };
        try
        {
            _database = await HlrDatabase.OpenAsync(effective, logger, cancellationToken);
        }
        catch (HlrOpenException e)
        {
            throw new StartupException(e.Message, inner: e);
        }

        _databaseConnection = _database.Description;
    }

    public string Listening() =>
        $"grpc {Grpc}, chat {string.Join(", ", Chat)}" + (_database is null ? "" : $", database {_databaseConnection}");

    [LoggerMessage(1, LogLevel.Information, "Cell {Cell} is not in topology version {Version} yet; waiting for the master")]
    private static partial void NotInTopologyYet(ILogger logger, string cell, ulong version);
}
