using ImCells.Topology;
using ImCells.Protos.Topology;

namespace ImCells.Master;

/// <summary>
/// The map the master serves. Watches topology.json (polling its timestamp and size, which works
/// on every file system) and installs a valid change under a higher version; an invalid edit is
/// logged and the last good map stays.
/// </summary>
internal sealed partial class TopologyStore : BackgroundService
{
    private readonly string _path;
    private readonly TimeSpan _poll;
    private readonly ILogger<TopologyStore> _logger;
    private (DateTime Written, long Length) _seen;
    private volatile TopologyIndex _current;

    public TopologyStore(string path, TimeSpan poll, ILogger<TopologyStore> logger)
    {
        _path = Path.GetFullPath(path);
        _poll = poll;
        _logger = logger;
        _seen = Stamp();
        _current = new TopologyIndex(TopologyFile.Load(_path));
        Loaded(_logger, _path, _current.Version, _current.Map.Cells.Count);
    }

    public TopologyIndex Current => _current;

    /// <summary>Reads the file again if it changed; returns true when a new version was installed.</summary>
    public bool CheckFile()
    {
        var stamp = Stamp();
        if (stamp == _seen)
        {
            return false;
        }

        _seen = stamp;
        var current = _current;
        TopologyMap next;
        try
        {
            next = TopologyFile.Load(_path);
            TopologyValidator.ValidateChange(current.Map, next);
        }
        catch (TopologyException e)
        {
            Rejected(_logger, _path, current.Version, e.Message);
            return false;
        }

        // Every accepted change is a new version, even if the operator forgot to raise it.
        next.Version = Math.Max(next.Version, current.Version + 1);
        _current = new TopologyIndex(next);
        Reloaded(_logger, current.Version, next.Version, next.Cells.Count);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_poll);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            CheckFile();
        }
    }

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(_path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    [LoggerMessage(1, LogLevel.Information, "Topology {Path} loaded: version {Version}, {Cells} cells")]
    private static partial void Loaded(ILogger logger, string path, ulong version, int cells);

    [LoggerMessage(2, LogLevel.Information, "Topology reloaded: version {Old} -> {New}, {Cells} cells")]
    private static partial void Reloaded(ILogger logger, ulong old, ulong @new, int cells);

    [LoggerMessage(3, LogLevel.Error, "Topology {Path} rejected, still serving version {Version}: {Problem}")]
    private static partial void Rejected(ILogger logger, string path, ulong version, string problem);
}
