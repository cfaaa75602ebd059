using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ImCells.Registry.Hlr;

/// <summary>The embedded default: one SQLite file per cell, WAL, NORMAL sync (durable across a process crash).</summary>
public sealed class SqliteDialect : ISqlDialect
{
    private int _filesPrepared;

    public string Name => "sqlite";

    public string NextSeqSql => Increment("users", "head_seq", "id = @User");

    public string Increment(string table, string column, string where) =>
        $"UPDATE {table} SET {column} = {column} + 1 WHERE {where} RETURNING {column}";

    // In-process: a statement costs no round trip, so the three statements stay plain.
    public string? AppendSql => null;

    // SQLite has one writer per file: the migration transaction (BEGIN IMMEDIATE) already excludes the others.
    public string LockMigrationsSql => "";

    public string CreateMigrationsTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL)";

    public string Upsert(string table, string columns, string values, string key, string? set = null, string? where = null) =>
        SqlUpsert.OnConflict(table, columns, values, key, set, where);

    public string Limit(string count) => $"LIMIT {count}";

    public string? ConnectionProblem(string connectionString)
    {
        try
        {
            return string.IsNullOrWhiteSpace(new SqliteConnectionStringBuilder(connectionString).DataSource) ? "it names no Data Source" : null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    public string Describe(string connectionString) => SqliteFiles.PathOf(connectionString) ?? "(in memory)";

    // A file on this machine: it is never "unreachable", a failure is about the statement or the file.
    public bool IsUnavailable(Exception exception) => false;

    public void ClearPool(DbConnection connection) => SqliteConnection.ClearPool((SqliteConnection)connection);

    public async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The first open is the writer's, at start; read connections open the same file.
        if (Interlocked.Exchange(ref _filesPrepared, 1) == 0)
        {
            SqliteFiles.MakePrivate(connectionString);
        }

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
