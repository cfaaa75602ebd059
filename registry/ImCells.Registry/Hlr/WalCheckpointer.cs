using System.Data.Common;
using Microsoft.Extensions.Logging;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Copies the WAL back into the database file off the write path. SQLite's automatic checkpoint
/// runs inside the commit that crosses 1000 WAL pages, on the single writer, and under a steady
/// send load that was every few commits: a third of the cell's CPU went to its reads, writes and
/// fsyncs (docs/PERFORMANCE.md, profile of issue 14). The writer turns it off; this loop runs a
/// PASSIVE checkpoint (which never blocks the writer or readers) on its own connection at most once
/// a second, so a page written by many commits in that second is copied once. Frames committed
/// while it ran are left over, and SQLite starts the WAL file over only when a write begins on a
/// fully copied WAL: so after each pass the writer copies the rest itself, between two batches
/// (<see cref="TakeFinishRequest"/>), which is short since the bulk is done.
/// </summary>
internal sealed partial class WalCheckpointer : IAsyncDisposable
{
    /// <summary>Writes since the last checkpoint that make the next one due at the next tick.</summary>
    internal const int WritesPerCheckpoint = 256;

    /// <summary>Longest a write waits in the WAL alone before it is copied back.</summary>
    internal static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, Task<DbConnection>> _open;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _writes;
    private int _finishRequested;

    public WalCheckpointer(Func<CancellationToken, Task<DbConnection>> open, ILogger logger)
    {
        _open = open;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>The writer committed <paramref name="count"/> writes.</summary>
    public void Committed(int count) => Interlocked.Add(ref _writes, count);

    /// <summary>True once after each background pass: the writer should copy what is left, so the WAL can start over.</summary>
    public bool TakeFinishRequest() => Interlocked.Exchange(ref _finishRequested, 0) == 1;

    /// <summary>Copies what is left of the WAL on the writer connection, between two batches.</summary>
    public async Task FinishOnWriterAsync(DbConnection writer)
    {
        try
        {
            await using var command = writer.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await command.ExecuteNonQueryAsync();
        }
        catch (Exception e)
        {
            CheckpointFailed(_logger, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Tick);
        var sinceCheckpoint = TimeSpan.Zero;
        DbConnection? connection = null;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                sinceCheckpoint += Tick;
                var pending = Interlocked.Read(ref _writes);
                if (pending == 0 || (pending < WritesPerCheckpoint && sinceCheckpoint < MaxDelay))
                {
                    continue;
                }

                try
                {
                    connection ??= await _open(_stop.Token);
                    await using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    await command.ExecuteNonQueryAsync(_stop.Token);
                    Interlocked.Add(ref _writes, -pending);
                    Volatile.Write(ref _finishRequested, 1);
                    sinceCheckpoint = TimeSpan.Zero;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Busy or failing: the WAL only grows until the next tick tries again.
                    CheckpointFailed(_logger, e.Message);
                    connection?.Dispose();
                    connection = null;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            connection?.Dispose();
        }
    }

    [LoggerMessage(3, LogLevel.Warning, "WAL checkpoint failed ({Problem}); retrying in a second")]
    private static partial void CheckpointFailed(ILogger logger, string problem);
}
