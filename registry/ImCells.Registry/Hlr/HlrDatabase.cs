using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ImCells.Registry.Hlr;

/// <summary>
/// The cell's database: runs migrations at start, hands out read connections, and serializes
/// writes through one connection so SQLite never sees two writers (and a seq is never handed out
/// twice). The after-commit callback runs still inside the write turn, so notifies leave in seq order.
/// </summary>
public sealed partial class HlrDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _writeTurn = new(1, 1);
    private readonly DbConnection _writer;

    private HlrDatabase(ISqlDialect dialect, string connectionString, DbConnection writer)
    {
        Dialect = dialect;
        ConnectionString = connectionString;
        _writer = writer;
    }

    public ISqlDialect Dialect { get; }

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
        var writer = await dialect.OpenAsync(options.Connection, cancellationToken);
        var database = new HlrDatabase(dialect, options.Connection, writer);
        await Migrations.RunAsync(writer, dialect, logger, cancellationToken);
        return database;
    }

    public Task<DbConnection> OpenReadAsync(CancellationToken cancellationToken) =>
        Dialect.OpenAsync(ConnectionString, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one transaction on the writer connection.</summary>
    public async Task<T> WriteAsync<T>(
        Func<DbConnection, DbTransaction, Task<T>> work,
        Action<T>? afterCommit,
        CancellationToken cancellationToken)
    {
        await _writeTurn.WaitAsync(cancellationToken);
        try
        {
            T result;
            await using (var transaction = await _writer.BeginTransactionAsync(cancellationToken))
            {
                // No cancellation past this point: a commit half-observed by the caller is worse than a late one.
                result = await work(_writer, transaction);
                await transaction.CommitAsync(CancellationToken.None);
            }

            afterCommit?.Invoke(result);
            return result;
        }
        finally
        {
            _writeTurn.Release();
        }
    }

    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadAsync(cancellationToken);
        return await work(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _writeTurn.WaitAsync();
        await _writer.DisposeAsync();
        _writeTurn.Dispose();
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
