using ImCells.Topology;
using ImCells.Protos.Topology;

namespace ImCells.Cli.Up;

/// <summary>
/// Reads topology.json again whenever it changes (checked every second) and hands a valid map to
/// <c>onChange</c>; an invalid edit is ignored here (the master reports it), and so is a change the
/// master would refuse (a live cell dropped without "removedCells"): `up` must not stop a cell the
/// master keeps serving.
/// </summary>
internal sealed class TopologyWatch : IDisposable
{
    private readonly Timer _timer;
    private readonly string _path;
    private readonly Action<TopologyMap> _onChange;
    private readonly Action<string> _refused;
    private readonly Lock _lock = new();
    private DateTime _seen;
    private TopologyMap _current;

    public TopologyWatch(string path, TopologyMap current, Action<TopologyMap> onChange, Action<string> refused)
    {
        _path = path;
        _current = current;
        _refused = refused;
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
            TopologyMap next;
            try
            {
                next = TopologyFile.Load(_path);
            }
            catch (TopologyException)
            {
                return;
            }

            try
            {
                TopologyValidator.ValidateChange(_current, next);
            }
            catch (TopologyException e)
            {
                _refused(e.Message);
                return;
            }

            _current = next;
            _onChange(next);
        }
    }
}
