using System.Data.Common;
using System.Threading.Channels;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ImCells.Registry.Hlr;

/// <summary>
/// The cell's database: runs migrations at start, hands out read connections, and funnels every
/// write through one connection and one writer loop (SQLite has a single writer anyway, and a seq
/// must never be handed out twice). Writes that queue up while a transaction runs are committed
/// together in the next one (group commit); each write's after-commit callback then runs in queue
/// order on the writer loop, which is how notifies leave in seq order.
/// </summary>
public sealed partial class HlrDatabase : IAsyncDisposable
{
    /// <summary>Most writes committed in one transaction.</summary>
    private const int MaxBatch = 256;

    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DbConnection _writer;
    private readonly ILogger _logger;
    private readonly Task _writerLoop;

    private HlrDatabase(ISqlDialect dialect, string connectionString, DbConnection writer, ILogger logger)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        _writer = writer;
        _logger = logger;
        Commands = new WriterCommands(writer);
        _writerLoop = Task.Run(WriterLoopAsync);
    }

    public ISqlDialect Dialect { get; }

    /// <summary>Prepared commands of the writer connection; only for use inside a write.</summary>
    internal WriterCommands Commands { get; }

    public string ConnectionString { get; }

    public static ISqlDialect DialectFor(string provider) => provider switch
    {
        "sqlite" => new SqliteDialect(),
        _ => throw new ArgumentException($"database provider '{provider}' is not supported (sqlite)", nameof(provider)),
    };

    public static async Task<HlrDatabase> OpenAsync(HlrOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Connection))
        {
            throw new ArgumentException("Hlr:Connection is empty", nameof(options));
        }

        var dialect = DialectFor(options.Provider);
        var file = SqliteFiles.PathOf(options.Connection);
        var check = new SqliteStartupCheck(file, options, logger);
        DbConnection? writer = null;
        try
        {
            check.BeforeOpen();
            writer = await dialect.OpenAsync(options.Connection, cancellationToken);
            await check.AfterOpenAsync((SqliteConnection)writer, cancellationToken);
            await Migrations.RunAsync(writer, dialect, logger, cancellationToken);
            await check.AfterMigrationsAsync((SqliteConnection)writer, cancellationToken);
            return new HlrDatabase(dialect, options.Connection, writer, logger);
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

    public Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken) =>
        Dialect.OpenAsync(ConnectionString, cancellationToken);

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
        return await work(connection);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writerLoop;
        Commands.Dispose();
        await _writer.DisposeAsync();
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

            var failure = await TryCommitAsync(batch);
            if (failure is not null)
            {
                // One write spoiled the batch: run each in its own transaction, so only it fails.
                BatchRetried(_logger, batch.Count, failure.Message);
                foreach (var write in batch)
                {
                    await TryCommitAsync([write]);
                }
            }
        }
    }

    /// <summary>Runs the writes in one transaction; completes them all, or returns why it could not.</summary>
    private async Task<Exception?> TryCommitAsync(IReadOnlyList<IWrite> writes)
    {
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
            if (writes.Count == 1)
            {
                writes[0].Fail(e);
                return null;
            }

            return e;
        }

        foreach (var write in writes)
        {
            write.Committed();
        }

        return null;
    }

    [LoggerMessage(2, LogLevel.Warning, "A batch of {Count} writes failed ({Problem}); retrying them one by one")]
    private static partial void BatchRetried(ILogger logger, int count, string problem);

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

    /// <summary>Versioned .sql scripts embedded next to this code, applied once each in order.</summary>
    private static partial class Migrations
    {
        public static async Task RunAsync(DbConnection connection, ISqlDialect dialect, ILogger logger, CancellationToken cancellationToken)
        {
            await connection.ExecuteAsync(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)");
            var applied = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations")).ToHashSet();
            var assembly = typeof(HlrDatabase).Assembly;
            var prefix = $"{assembly.GetName().Name}.Migrations.{dialect.Name}.";
            var scripts = assembly.GetManifestResourceNames()
                .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
                .Select(n => (Name: n, Version: long.Parse(n.AsSpan(prefix.Length, 3))))
                .OrderBy(s => s.Version);
            foreach (var (name, version) in scripts)
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                var sql = await reader.ReadToEndAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(sql, transaction: transaction);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, applied_at_ms) VALUES (@version, @now)",
                    new { version, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
                await transaction.CommitAsync(cancellationToken);
                MigrationApplied(logger, version, name);
            }
        }

        [LoggerMessage(1, LogLevel.Information, "HLR migration {Version} applied ({Script})")]
        private static partial void MigrationApplied(ILogger logger, long version, string script);
    }
}
