using System.Globalization;
using ImCells.ClusterHost;

namespace ImCells.Cli.Up;

/// <summary>
/// A loopback admin URL per process name, picked once (a free port outside the kernel's ephemeral
/// range, see <see cref="PortReservation"/>) and kept for as long as `up` runs, so a restarted
/// process serves its admin endpoint where `status` already looks for it.
/// </summary>
internal sealed class AdminPorts : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _urls = new(StringComparer.Ordinal);
    private readonly List<PortReservation> _reservations = [];

    public string For(string name)
    {
        lock (_lock)
        {
            if (!_urls.TryGetValue(name, out var url))
            {
                var reservation = PortReservation.Reserve(1);
                _reservations.Add(reservation);
                url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{reservation[0]}");
                _urls[name] = url;
            }

            return url;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var reservation in _reservations)
            {
                reservation.Dispose();
            }

            _reservations.Clear();
        }
    }
}
