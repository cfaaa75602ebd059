using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ImCells.Registry.Hlr;

/// <summary>
/// The cell's database: runs migrations at start, hands out read connections, and funnels every
/// write through one connection and one writer loop (SQLite has a single writer anyway, and a seq
/// must never be handed out twice). Writes that queue up while a transaction runs are committed
/// together in the next one (group commit); each write's after-commit callback then runs in queue
/// order on the writer loop, which is how notifies leave in seq order. On a database server the
/// writer connection may break (the server restarts): the writes of that moment fail with
/// <see cref="HlrUnavailableException"/> and the loop reconnects, at most once a second, on the
/// next write.
/// </summary>
public sealed partial class HlrDatabase : IAsyncDisposable
{
    /// <summary>Most writes committed in one transaction.</summary>
    private const int MaxBatch = 256;

    private static readonly TimeSpan ReconnectPause = TimeSpan.FromSeconds(1);

    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ILogger _logger;
    private readonly Task _writerLoop;
    private readonly Stopwatch _sinceReconnect = new();
    private DbConnection _writer;
    private bool _writerBroken;

    private HlrDatabase(ISqlDialect dialect, string connectionString, DbConnection writer, ILogger logger)
    {
        Dialect = dialect;
        Statements = new HlrStatements(dialect);
        ConnectionString = connectionString;
        _writer = writer;
        _logger = logger;
        Commands = new WriterCommands(writer);
        _writerLoop = Task.Run(WriterLoopAsync);
    }

    /// <summary>The providers a cell can be put on.</summary>
    public static IReadOnlyList<string> Providers { get; } = ["sqlite", "postgres", "sqlserver"];

    public ISqlDialect Dialect { get; }

    internal HlrStatements Statements { get; }

    /// <summary>Prepared commands of the writer connection; only for use inside a write (replaced when the writer reconnects).</summary>
    internal WriterCommands Commands { get; private set; }

    /// <summary>The connection string in use, environment variables filled in: never log it (see <see cref="Description"/>).</summary>
    public string ConnectionString { get; }

    /// <summary>Where the database is, without secrets: a file path or a server address.</summary>
    public string Description => Dialect.Describe(ConnectionString);

    public static ISqlDialect DialectFor(string provider) => provider switch
    {
        "sqlite" => new SqliteDialect(),
        "postgres" => new PostgresDialect(),
        "sqlserver" => new SqlServerDialect(),
        _ => throw new ArgumentException($"database provider '{provider}' is not supported ({string.Join(", ", Providers)})", nameof(provider)),
    };

    public static async Task<HlrDatabase> OpenAsync(HlrOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Connection))
        {
            throw new ArgumentException("Hlr:Connection is empty", nameof(options));
        }

        var dialect = DialectFor(options.Provider);
        string connection;
        try
        {
            connection = ConnectionSecrets.Expand(options.Connection);
        }
        catch (ArgumentException e)
        {
            throw new HlrOpenException($"{dialect.Name} database cannot be opened: {e.Message}", e);
        }

        if (dialect.ConnectionProblem(connection) is { } problem)
        {
            throw new HlrOpenException($"{dialect.Name} database cannot be opened: the connection string is not usable: {problem}");
        }

        return dialect is SqliteDialect
            ? await OpenSqliteAsync(dialect, connection, options, logger, cancellationToken)
            : await OpenServerAsync(dialect, connection, logger, cancellationToken);
    }

    private static async Task<HlrDatabase> OpenSqliteAsync(
        ISqlDialect dialect, string connection, HlrOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var file = SqliteFiles.PathOf(connection);
        var check = new SqliteStartupCheck(file, options, logger);
        DbConnection? writer = null;
        try
        {
            check.BeforeOpen();
            writer = await dialect.OpenAsync(connection, cancellationToken);
            await check.AfterOpenAsync((SqliteConnection)writer, cancellationToken);
            await HlrMigrations.RunAsync(writer, dialect, logger, cancellationToken);
            await check.AfterMigrationsAsync((SqliteConnection)writer, cancellationToken);
            return new HlrDatabase(dialect, connection, writer, logger);
        }
        catch (Exception e) when (e is HlrOpenException or SqliteException or IOException or UnauthorizedAccessException)
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }

            // A file that is not a database (a damaged header), that cannot be read, opened or migrated: one line, no stack trace.
            throw e as HlrOpenException ?? new HlrOpenException($"database {file ?? "(in memory)"} cannot be opened: {e.Message}", e);
        }
    }

    /// <summary>A database server: reachable now, migrated; the start fails (one line) if not.</summary>
    private static async Task<HlrDatabase> OpenServerAsync(ISqlDialect dialect, string connection, ILogger logger, CancellationToken cancellationToken)
    {
        DbConnection? writer = null;
        try
        {
            writer = await dialect.OpenAsync(connection, cancellationToken);
            await HlrMigrations.RunAsync(writer, dialect, logger, cancellationToken);
            return new HlrDatabase(dialect, connection, writer, logger);
        }
        catch (Exception e) when (e is DbException or IOException or TimeoutException or InvalidOperationException)
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }

            throw new HlrOpenException($"database {dialect.Describe(connection)} cannot be opened: {e.Message}", e);
        }
    }

    public async Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Dialect.OpenAsync(ConnectionString, cancellationToken);
        }
        catch (Exception e) when (Dialect.IsUnavailable(e))
        {
            throw Unavailable(e);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction on the writer connection (possibly together
    /// with other queued writes) and, once committed, <paramref name="afterCommit"/> on the writer
    /// loop. <paramref name="work"/> may run twice if a write batched with it fails: it must only
    /// touch the database.
    /// </summary>
    public Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, Task<T>> work,
        Action<T>? afterCommit,
        CancellationToken cancellationToken)
    {
        var write = new Write<T>(work, afterCommit, cancellationToken);
        if (!_queue.Writer.TryWrite(write))
        {
            throw new ObjectDisposedException(nameof(HlrDatabase));
        }

        return write.Task;
    }

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        try
        {
            return await work(connection);
        }
        catch (Exception e) when (Dialect.IsUnavailable(e))
        {
            // The pool's other connections went with the server: forget them all.
            Dialect.ClearPool(connection);
            throw Unavailable(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writerLoop;
        Commands.Dispose();
        await DisposeQuietlyAsync(_writer);
    }

    private async Task WriterLoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<IWrite>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                if (!write.IsCancelled)
                {
                    batch.Add(write);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            if (_writerBroken && await ReconnectAsync() is { } unreachable)
            {
                FailAll(batch, unreachable);
                continue;
            }

            var failure = await TryCommitAsync(batch);
            if (failure is not null && IsWriterDown(failure))
            {
                FailAll(batch, LoseWriter(failure));
            }
            else if (failure is not null)
            {
                // One write spoiled the batch: run each in its own transaction, so only it fails.
                BatchRetried(_logger, batch.Count, failure.Message);
                foreach (var write in batch)
                {
                    if (_writerBroken)
                    {
                        write.Fail(Unavailable(failure));
                    }
                    else if (await TryCommitAsync([write]) is { } down)
                    {
                        // Only a lost connection comes back from a single write: the rest would fail alike.
                        write.Fail(LoseWriter(down));
                    }
                }
            }
        }
    }

    /// <summary>Runs the writes in one transaction; completes them all, or returns why it could not.</summary>
    private async Task<Exception?> TryCommitAsync(IReadOnlyList<IWrite> writes)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await using (var transaction = await _writer.BeginTransactionAsync())
            {
                foreach (var write in writes)
                {
                    await write.RunAsync(_writer, transaction);
                }

                await transaction.CommitAsync();
            }
        }
        catch (Exception e)
        {
            if (writes.Count == 1 && !IsWriterDown(e))
            {
                writes[0].Fail(e);
                return null;
            }

            return e;
        }

        StoreMetrics.Committed(writes.Count, started);
        foreach (var write in writes)
        {
            write.Committed();
        }

        return null;
    }

    /// <summary>The writer connection is gone: said once, and reopened on the next write.</summary>
    private HlrUnavailableException LoseWriter(Exception e)
    {
        WriterLost(_logger, Description, e.Message);
        _writerBroken = true;
        return Unavailable(e);
    }

    private bool IsWriterDown(Exception e) => Dialect.IsUnavailable(e) || _writer.State != ConnectionState.Open;

    private HlrUnavailableException Unavailable(Exception e) =>
        e as HlrUnavailableException ?? new HlrUnavailableException($"the cell's database ({Description}) is unavailable: {e.Message}", e);

    private static void FailAll(List<IWrite> batch, Exception exception)
    {
        foreach (var write in batch)
        {
            write.Fail(exception);
        }
    }

    /// <summary>A new writer connection, or why not (then the writes fail fast until the next try, a second later).</summary>
    private async Task<HlrUnavailableException?> ReconnectAsync()
    {
        if (_sinceReconnect.IsRunning && _sinceReconnect.Elapsed < ReconnectPause)
        {
            return new HlrUnavailableException($"the cell's database ({Description}) is unavailable; reconnecting");
        }

        _sinceReconnect.Restart();
        try
        {
            Dialect.ClearPool(_writer);
            var writer = await Dialect.OpenAsync(ConnectionString, CancellationToken.None);
            Commands.Dispose();
            await DisposeQuietlyAsync(_writer);
            _writer = writer;
            Commands = new WriterCommands(writer);
            _writerBroken = false;
            WriterReconnected(_logger, Description);
            return null;
        }
        catch (Exception e) when (Dialect.IsUnavailable(e) || e is DbException)
        {
            return Unavailable(e);
        }
    }

    private static async Task DisposeQuietlyAsync(DbConnection connection)
    {
        try
        {
            await connection.DisposeAsync();
        }
        catch (Exception)
        {
            // A connection to a server that went away may fail to close; it is gone either way.
        }
    }

    [LoggerMessage(2, LogLevel.Warning, "A batch of {Count} writes failed ({Problem}); retrying them one by one")]
    private static partial void BatchRetried(ILogger logger, int count, string problem);

    [LoggerMessage(3, LogLevel.Error, "The cell's database {Database} is unavailable ({Problem}); writes fail until it is back, reconnecting")]
    private static partial void WriterLost(ILogger logger, string database, string problem);

    [LoggerMessage(4, LogLevel.Information, "Reconnected to the cell's database {Database}")]
    private static partial void WriterReconnected(ILogger logger, string database);

    private interface IWrite
    {
        bool IsCancelled { get; }

        Task RunAsync(DbConnection connection, DbTransaction transaction);

        /// <summary>After the commit: the callback, then the caller's task (continuations run elsewhere).</summary>
        void Committed();

        void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<DbConnection, DbTransaction, Task<T>> work, Action<T>? afterCommit, CancellationToken cancellationToken) : IWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T _result = default!;

        public Task<T> Task => _done.Task;

        public bool IsCancelled => cancellationToken.IsCancellationRequested && _done.TrySetCanceled(cancellationToken);

        public async Task RunAsync(DbConnection connection, DbTransaction transaction) => _result = await work(connection, transaction);

        public void Committed()
        {
            try
            {
                afterCommit?.Invoke(_result);
            }
            catch (Exception)
            {
                // A failed notify must not fail a committed write, nor stop the writer loop.
            }

            _done.TrySetResult(_result);
        }

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
