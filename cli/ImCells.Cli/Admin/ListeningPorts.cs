using System.Globalization;
using ImCells.ClusterHost;

namespace ImCells.Cli.Admin;

/// <summary>
/// Whether something listens on a local TCP port, read from the kernel's socket tables
/// (/proc/net/tcp and tcp6) instead of by connecting. A connect probe to a port inside the
/// ephemeral range, while nothing listens there, can connect the probe to itself (source port =
/// destination port): it then reports a listener that is not there and holds the very port the
/// server is about to bind. Where /proc is missing, a connect probe it is.
/// </summary>
internal static class ListeningPorts
{
    private const string Listen = "0A";
    private static readonly string[] Tables = ["/proc/net/tcp", "/proc/net/tcp6"];

    public static async Task<bool> IsListeningAsync(string host, int port, CancellationToken ct)
    {
        if (!File.Exists(Tables[0]))
        {
            return await Readiness.AcceptsTcpAsync(host, port, ct);
        }

        foreach (var table in Tables)
        {
            if (File.Exists(table) && Listens(await File.ReadAllLinesAsync(table, ct), port))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when a line of a /proc/net/tcp table is a listener on <paramref name="port"/> ("sl local:PORT rem:PORT st ...", hex).</summary>
    internal static bool Listens(IEnumerable<string> lines, int port)
    {
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[3] != Listen)
            {
                continue;
            }

            var colon = fields[1].LastIndexOf(':');
            if (colon > 0 && int.TryParse(fields[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var local) && local == port)
            {
                return true;
            }
        }

        return false;
    }
}
