using System.Data.Common;
using Npgsql;

namespace ImCells.Registry.Hlr;

/// <summary>
/// A cell on a PostgreSQL server (Npgsql). Seqs stay dense because one writer loop per cell makes
/// every write, and even so "UPDATE ... RETURNING" locks the user's row until commit, so a second
/// writer would wait and read the incremented value. Commits are synchronous (the server's
/// default), so an acknowledged write is on the server's disk.
/// </summary>
public sealed class PostgresDialect : ISqlDialect
{
    /// <summary>The advisory lock key the migrations take: "imcells-hlr" in ASCII.</summary>
    private const long MigrationLockKey = 0x696d63656c6c73;

    private readonly ServerConnections _connections = new(WithDefaults, s => new NpgsqlConnection(s));

    public string Name => "postgres";

    public string NextSeqSql => Increment("users", "head_seq", "id = @User");

    public string Increment(string table, string column, string where) =>
        $"UPDATE {table} SET {column} = {column} + 1 WHERE {where} RETURNING {column}";

    // One round trip instead of three: the statements of a WITH run once each, on the seq the UPDATE returned.
    public string? AppendSql => """
        WITH next AS (UPDATE users SET head_seq = head_seq + 1 WHERE id = @owner RETURNING head_seq),
        stored AS (
            INSERT INTO mailbox (user_id, seq, message_id, from_user, to_user, peer, text, sent_at_ms, failed)
            SELECT @owner, head_seq, @id, @from, @to, @peer, @text, @sentAt, @failed FROM next),
        touched AS (
            INSERT INTO conversations (user_id, peer, last_seq, read_seq, unread)
            SELECT @owner, @peer, head_seq, 0, @incoming FROM next
            ON CONFLICT (user_id, peer) DO UPDATE SET last_seq = excluded.last_seq, unread = conversations.unread + excluded.unread)
        SELECT head_seq FROM next
        """;

    // Released at commit; a second process waits here, then sees the versions the first applied.
    public string LockMigrationsSql => $"SELECT pg_advisory_xact_lock({MigrationLockKey})";

    public string CreateMigrationsTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at_ms BIGINT NOT NULL)";

    public string Upsert(string table, string columns, string values, string key, string? set = null, string? where = null) =>
        SqlUpsert.OnConflict(table, columns, values, key, set, where);

    public string Limit(string count) => $"LIMIT {count}";

    public string? ConnectionProblem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host" : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            return e.Message;
        }
    }

    public string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
    }

    public bool IsUnavailable(Exception exception) => exception switch
    {
        // Connection refused or broken, the server shutting down (57P..), too many connections (53300), timeouts.
        NpgsqlException { IsTransient: true } => true,
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal),
        NpgsqlException { InnerException: IOException or System.Net.Sockets.SocketException or TimeoutException } => true,
        InvalidOperationException when exception.Message.Contains("connection", StringComparison.OrdinalIgnoreCase) => true,
        _ => false,
    };

    public void ClearPool(DbConnection connection) => NpgsqlConnection.ClearPool((NpgsqlConnection)connection);

    public Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken) =>
        _connections.OpenAsync(connectionString, cancellationToken);

    /// <summary>
    /// Unless the operator chose otherwise: bounded waits (5 s to connect, 15 s per statement), and
    /// statements prepared on the server once used twice (the writer runs the same ten statements
    /// per send; preparing them took same-cell sends from about 500 to 740 a second here).
    /// </summary>
    private static string WithDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!ServerConnections.Sets(connectionString, "Timeout"))
        {
            builder.Timeout = 5;
        }

        if (!ServerConnections.Sets(connectionString, "Command Timeout", "CommandTimeout"))
        {
            builder.CommandTimeout = 15;
        }

        if (!ServerConnections.Sets(connectionString, "Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }
}
