using System.Net;
using System.Text.Json.Nodes;
using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>How one phase (login or connect) of a holder went.</summary>
internal sealed record PhaseResult(int Ok, int Failed, long StartMs, long EndMs, string? FirstError)
{
    public JsonObject ToJson() => new()
    {
        ["ok"] = Ok,
        ["failed"] = Failed,
        ["start_ms"] = StartMs,
        ["end_ms"] = EndMs,
        ["first_error"] = FirstError,
    };

    public static PhaseResult FromJson(JsonNode node) => new(
        (int)node["ok"]!, (int)node["failed"]!, (long)node["start_ms"]!, (long)node["end_ms"]!, (string?)node["first_error"]);
}

/// <summary>
/// Logs a slice of the users in, then holds one idle authenticated <see cref="LeanConnection"/>
/// each, pinging every heartbeat_seconds the server asked for. Runs inside the bench process or
/// inside a worker copy of it (one process holds at most ~19 000 sockets). The reconnect storm
/// (drop every connection, then all reconnect with their tokens) is in ConnectionHolder.Storm.cs.
/// </summary>
internal sealed partial class ConnectionHolder(
    BenchCluster cluster, IReadOnlyList<BenchUser> users, int globalOffset, int addresses, int concurrency) : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(20);
    private static readonly byte[] PingFrame = LeanConnection.Framed(new Frame { Seq = 2, Ping = new Ping() });

    private readonly LoginResult?[] _logins = new LoginResult?[users.Count];
    private readonly LeanConnection?[] _connections = new LeanConnection?[users.Count];
    private readonly ulong[] _heads = new ulong[users.Count];
    private readonly List<Task> _readLoops = [];
    private CancellationTokenSource _stop = new();
    private Task _pingLoop = Task.CompletedTask;
    private int _loggedIn;
    private int _connected;
    private int _disposed;

    public int LoggedIn => Volatile.Read(ref _loggedIn);

    public int Connected => Volatile.Read(ref _connected);

    /// <summary>Connections still open (the server has not closed them).</summary>
    public int Open => _connections.Count(c => c is { IsClosed: false });

    public async Task<PhaseResult> LoginAsync(CancellationToken ct)
    {
        using var api = cluster.OpenLogin();
        return await RunPhaseAsync(async i =>
        {
            _logins[i] = await api.LoginAsync(users[i].Number, users[i].Password, "bench-hold", ct);
            Interlocked.Increment(ref _loggedIn);
        }, concurrency, ct);
    }

    public async Task<PhaseResult> ConnectAsync(CancellationToken ct)
    {
        var result = await RunPhaseAsync(async i =>
        {
            if (_logins[i] is not { } login)
            {
                throw new BenchException("not logged in");
            }

            var source = IPAddress.Parse($"127.0.0.{1 + ((globalOffset + i) % addresses)}");
            var connection = await LeanConnection.ConnectAsync(
                login.ChatEndpoints[0], source, login.Token, cluster.Trust, login.CellId, ConnectTimeout, ct);
            _heads[i] = connection.AuthOk.HeadSeq;
            Hold(i, connection);
        }, concurrency, ct);
        _pingLoop = PingLoopAsync(_stop.Token);
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        foreach (var connection in _connections)
        {
            connection?.Dispose();
        }

        await _pingLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_readLoops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task<PhaseResult> RunPhaseAsync(Func<int, Task> step, int parallel, CancellationToken ct)
    {
        var start = BenchEnvironment.NowMs();
        var next = -1;
        var ok = 0;
        var failed = 0;
        string? firstError = null;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(parallel, Math.Max(users.Count, 1))).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < users.Count && !ct.IsCancellationRequested)
            {
                try
                {
                    await step(i);
                    Interlocked.Increment(ref ok);
                }
                catch (Exception e) when (e is ImClientException or BenchException or System.Net.Sockets.SocketException
                                              or OperationCanceledException or IOException)
                {
                    Interlocked.CompareExchange(ref firstError, $"user {users[i].Number}: {e.Message}", null);
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return new PhaseResult(ok, failed, start, BenchEnvironment.NowMs(), firstError);
    }

    private void Hold(int i, LeanConnection connection)
    {
        _connections[i] = connection;
        lock (_readLoops)
        {
            _readLoops.Add(connection.RunReadLoopAsync(static _ => { }, _stop.Token));
        }

        Interlocked.Increment(ref _connected);
    }

    // Spreads the pings: each second one heartbeat_seconds-th of the connections sends its Ping.
    private async Task PingLoopAsync(CancellationToken ct)
    {
        var heartbeat = (int)Math.Max(1, _connections.FirstOrDefault(c => c is not null)?.AuthOk.HeartbeatSeconds ?? 30);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                tick++;
                for (var i = tick % heartbeat; i < _connections.Length; i += heartbeat)
                {
                    _connections[i]?.SendRaw(PingFrame);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
