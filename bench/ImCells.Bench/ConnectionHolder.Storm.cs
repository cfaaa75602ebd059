using System.Diagnostics;
using System.Net;
using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>What the storm does differently from the first connect.</summary>
/// <param name="Concurrency">How many of this holder's devices reconnect at once.</param>
/// <param name="TlsName">The TLS server name to send instead of the IP (lets .NET resume the session); null: none.</param>
internal readonly record struct StormOptions(int Concurrency, string? TlsName);

/// <summary>
/// The reconnect storm: every connection dropped from this side with the tokens kept, then every
/// device reconnects at once with its still-valid token (no password login), Syncs from the head
/// it last saw, and is held again.
/// </summary>
internal sealed partial class ConnectionHolder
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(20);

    private int _online;
    private int _synced;

    /// <summary>Devices of the running storm that got AuthOk.</summary>
    public int Online => Volatile.Read(ref _online);

    /// <summary>Devices of the running storm whose Sync was answered.</summary>
    public int Synced => Volatile.Read(ref _synced);

    /// <summary>Closes every connection, keeping the logins (tokens) and head seqs; returns how many were open.</summary>
    public async Task<int> DropAsync()
    {
        var open = Open;
        await _stop.CancelAsync();
        for (var i = 0; i < _connections.Length; i++)
        {
            _connections[i]?.Dispose();
            _connections[i] = null;
        }

        await _pingLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] loops;
        lock (_readLoops)
        {
            loops = [.. _readLoops];
            _readLoops.Clear();
        }

        await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        _stop = new CancellationTokenSource();
        Volatile.Write(ref _connected, 0);
        return open;
    }

    public async Task<StormResult> StormAsync(StormOptions options, CancellationToken ct)
    {
        Volatile.Write(ref _online, 0);
        Volatile.Write(ref _synced, 0);
        var samples = new StormSamples(users.Count);
        long lastOnlineMs = 0;
        long lastSyncedMs = 0;
        var phase = await RunPhaseAsync(async i =>
        {
            if (_logins[i] is not { } login)
            {
                throw new BenchException("not logged in");
            }

            var phases = new ConnectPhases();
            var source = IPAddress.Parse($"127.0.0.{1 + ((globalOffset + i) % addresses)}");
            var connection = await LeanConnection.ConnectAsync(
                login.ChatEndpoints[0], source, login.Token, cluster.Trust, login.CellId, ConnectTimeout, ct, phases, options.TlsName);
            StormSamples.Max(ref lastOnlineMs, BenchEnvironment.NowMs());
            Interlocked.Increment(ref _online);
            try
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
                deadline.CancelAfter(SyncTimeout);
                var reply = await connection.RequestAsync(new Frame { Seq = 2, Sync = new SyncRequest { FromSeq = _heads[i] } }, deadline.Token);
                if (reply.BodyCase != Frame.BodyOneofCase.SyncResult)
                {
                    throw new BenchException($"Sync answered with {reply.BodyCase} {reply.Error?.Code} {reply.Error?.Message}");
                }

                _heads[i] = Math.Max(_heads[i], reply.SyncResult.HeadSeq);
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            samples.Record(i, phases, Stopwatch.GetTimestamp());
            StormSamples.Max(ref lastSyncedMs, BenchEnvironment.NowMs());
            Interlocked.Increment(ref _synced);
            Hold(i, connection);
        }, options.Concurrency, ct);
        _pingLoop = PingLoopAsync(_stop.Token);
        return new StormResult(phase, lastOnlineMs, lastSyncedMs, samples);
    }
}
