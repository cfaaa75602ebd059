using System.Collections.Concurrent;
using System.Net;

namespace ImCells.Cell.Chat;

/// <summary>
/// The topology's chat entry of each chat port this process listens on, by port: what a location
/// record and `where` show for a device, since the address a socket was accepted on (0.0.0.0, a
/// container's own address) is not the one clients use.
/// </summary>
internal sealed class ChatListenNames
{
    private readonly ConcurrentDictionary<int, string> _byPort = new();

    public void Add(int port, string entry) => _byPort[port] = entry;

    /// <summary>The chat entry for a connection accepted on <paramref name="local"/>; its address as text if none is known.</summary>
    public string For(EndPoint local) =>
        local is IPEndPoint ip && _byPort.TryGetValue(ip.Port, out var entry) ? entry : local.ToString() ?? "";
}
