using ImCells.Client;

namespace ImCells.Bench;

/// <summary>Logs users in and opens a lean connection for each, 64 at a time, with progress on stderr.</summary>
internal static class LeanLogins
{
    public const int Concurrency = 64;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The serving cell and the connection of each user, in the users' order; on failure none stays open.</summary>
    public static async Task<(string Cell, LeanConnection Connection)[]> ConnectAllAsync(
        LoginApi api, BenchCluster cluster, IReadOnlyList<BenchUser> users, string deviceId, string label, CancellationToken ct)
    {
        var connected = new (string Cell, LeanConnection Connection)[users.Count];
        var count = 0;
        try
        {
            await using (new ProgressReporter(() => $"{label}: logged in and connected {Volatile.Read(ref count)}/{users.Count}"))
            {
                var next = -1;
                await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < users.Count)
                    {
                        var login = await api.LoginAsync(users[i].Number, users[i].Password, deviceId, ct);
                        var connection = await LeanConnection.ConnectAsync(
                            login.ChatEndpoints[0], null, login.Token, cluster.Trust, login.CellId, ConnectTimeout, ct);
                        connected[i] = (login.CellId, connection);
                        Interlocked.Increment(ref count);
                    }
                }));
            }

            return connected;
        }
        catch
        {
            foreach (var (_, connection) in connected)
            {
                connection?.Dispose();
            }

            throw;
        }
    }
}
