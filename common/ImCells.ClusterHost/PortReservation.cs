using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ImCells.ClusterHost;

/// <summary>
/// Free loopback ports for servers that are started later, without the bind-release-reuse race.
/// <para>
/// The usual trick (bind port 0, read the port, release it, hand it to the server) takes the port
/// from the kernel's ephemeral range, where any outgoing connection may get the same port as its
/// source port before the server binds it. Here ports come from 20000-31999 instead (minus the
/// ephemeral range the kernel reports in /proc/sys/net/ipv4/ip_local_port_range, 32768-60999 by
/// default, and ip_local_reserved_ports), which the kernel never hands out on its own.
/// </para>
/// <para>
/// Two test processes must not pick the same port either: a port is only taken after this process
/// holds an exclusive lock (flock, which is what <see cref="FileShare.None"/> means on Unix) on
/// <c>/tmp/imcells-ports/&lt;port&gt;.lock</c>, and then only if binding 127.0.0.1:port works (nobody
/// listens there). The lock is held until <see cref="Dispose"/>, so a server restarted on its old
/// port still owns it, and the kernel drops it when the process dies, even by SIGKILL. Lock files
/// are never deleted: unlinking a lock file while another process opens it would let two
/// processes hold "the" lock.
/// </para>
/// </summary>
public sealed class PortReservation : IDisposable
{
    public const int First = 20000;
    public const int Last = 31999;

    private readonly List<FileStream> _locks;

    private PortReservation(List<int> ports, List<FileStream> locks)
    {
        Ports = ports;
        _locks = locks;
    }

    /// <summary>The reserved ports, in no particular order.</summary>
    public IReadOnlyList<int> Ports { get; }

    public int this[int index] => Ports[index];

    /// <summary>The folder of the per-port lock files.</summary>
    public static string LockDirectory { get; } = Path.Combine(Path.GetTempPath(), "imcells-ports");

    /// <summary>Reserves <paramref name="count"/> ports free on 127.0.0.1; throws when the range has too few.</summary>
    public static PortReservation Reserve(int count) => Reserve(count, Candidates());

    /// <summary>Reserves <paramref name="count"/> of <paramref name="candidates"/>, trying them from a random one on.</summary>
    internal static PortReservation Reserve(int count, IReadOnlyList<int> candidates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Directory.CreateDirectory(LockDirectory);
        var start = candidates.Count == 0 ? 0 : Random.Shared.Next(candidates.Count);
        var ports = new List<int>(count);
        var locks = new List<FileStream>(count);
        for (var i = 0; i < candidates.Count && ports.Count < count; i++)
        {
            var port = candidates[(start + i) % candidates.Count];
            if (TryLock(port) is not { } held)
            {
                continue;
            }

            if (!CanBind(port))
            {
                held.Dispose();
                continue;
            }

            ports.Add(port);
            locks.Add(held);
        }

        if (ports.Count < count)
        {
            foreach (var held in locks)
            {
                held.Dispose();
            }

            throw new InvalidOperationException($"only {ports.Count} of the {count} ports asked for are free in {First}-{Last} outside the ephemeral range");
        }

        return new PortReservation(ports, locks);
    }

    public void Dispose()
    {
        foreach (var held in _locks)
        {
            held.Dispose();
        }

        _locks.Clear();
    }

    /// <summary>The range minus whatever the kernel may use as ephemeral ports or keeps reserved.</summary>
    internal static List<int> Candidates()
    {
        var (low, high) = EphemeralRange();
        var reserved = ReservedPorts();
        return [.. Enumerable.Range(First, Last - First + 1).Where(p => (p < low || p > high) && !reserved.Contains(p))];
    }

    private static FileStream? TryLock(int port)
    {
        try
        {
            return new FileStream(
                Path.Combine(LockDirectory, port.ToString(CultureInfo.InvariantCulture) + ".lock"),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null; // another process (or this one) holds it
        }
        catch (UnauthorizedAccessException)
        {
            return null; // left by another user
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            listener.Listen();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32768, 60999); // Linux's default
        }
    }

    /// <summary>ip_local_reserved_ports: "8080,20000-20010" style, empty by default.</summary>
    private static HashSet<int> ReservedPorts()
    {
        var reserved = new HashSet<int>();
        try
        {
            foreach (var item in File.ReadAllText("/proc/sys/net/ipv4/ip_local_reserved_ports").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var dash = item.IndexOf('-');
                var low = int.Parse(dash < 0 ? item : item[..dash], CultureInfo.InvariantCulture);
                var high = dash < 0 ? low : int.Parse(item[(dash + 1)..], CultureInfo.InvariantCulture);
                for (var p = Math.Max(low, First); p <= Math.Min(high, Last); p++)
                {
                    reserved.Add(p);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return reserved;
    }
}
