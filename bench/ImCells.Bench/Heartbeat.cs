using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>
/// Pings every connection once a heartbeat interval (the first one's AuthOk says how long) until
/// cancelled: a connection that only listens would otherwise be dropped after 3 heartbeats.
/// </summary>
internal static class Heartbeat
{
    private static readonly byte[] PingFrame = LeanConnection.Framed(new Frame { Seq = 1, Ping = new Ping() });

    public static async Task RunAsync(IReadOnlyList<LeanConnection> connections, CancellationToken ct)
    {
        if (connections.Count == 0)
        {
            return;
        }

        var heartbeat = Math.Max(1, (int)connections[0].AuthOk.HeartbeatSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(heartbeat));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                foreach (var connection in connections)
                {
                    connection.SendRaw(PingFrame);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
