using ImCells.Topology;
using ImCells.Protos.Topology;

namespace ImCells.Cli.Up;

/// <summary>
/// Reads topology.json again whenever it changes (checked every second) and hands a valid map to
/// <c>onChange</c>; an invalid edit is ignored here (the master reports it).
/// </summary>
internal sealed class TopologyWatch : IDisposable
{
    private readonly Timer _timer;
    private readonly string _path;
    private readonly Action<TopologyMap> _onChange;
    private readonly Lock _lock = new();
    private DateTime _seen;

    public TopologyWatch(string path, Action<TopologyMap> onChange)
    {
        _path = path;
        _onChange = onChange;
        // The first tick reads the file too: it may have changed since the caller loaded it.
        _seen = DateTime.MinValue;
        _timer = new Timer(_ => Check(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Dispose() => _timer.Dispose();

    private void Check()
    {
        lock (_lock)
        {
            var written = File.GetLastWriteTimeUtc(_path);
            if (written == _seen)
            {
                return;
            }

            _seen = written;
            try
            {
                _onChange(TopologyFile.Load(_path));
            }
            catch (TopologyException)
            {
            }
        }
    }
}
