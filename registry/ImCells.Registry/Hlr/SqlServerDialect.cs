using System.Data.Common;
using Microsoft.Data.SqlClient;

namespace ImCells.Registry.Hlr;

/// <summary>
/// A cell on SQL Server (Microsoft.Data.SqlClient). Kept small on purpose: no SQL Server engine
/// can run on the machines this project is built on, so this dialect is exercised only where a
/// server is given (IMCELLS_TEST_SQLSERVER). Seqs: one writer loop per cell, and "UPDATE ...
/// OUTPUT inserted.head_seq" holds the user's row lock until commit. Upserts are MERGE WITH
/// (HOLDLOCK). Identifier columns use a binary collation (see its 001 script): the default
/// collation compares case-insensitively, which would make "A" and "a" one client_msg_id.
/// </summary>
public sealed class SqlServerDialect : ISqlDialect
{
    // Network and availability errors: timeout, no server, connection broken or reset, database unavailable.
    private static readonly HashSet<int> UnavailableNumbers = [-2, 2, 53, 121, 233, 10053, 10054, 10060, 10061, 40197, 40501, 40613, 4060];

    private readonly ServerConnections _connections = new(WithDefaults, s => new SqlConnection(s));

    public string Name => "sqlserver";

    public string NextSeqSql => Increment("users", "head_seq", "id = @User");

    public string Increment(string table, string column, string where) =>
        $"UPDATE {table} SET {column} = {column} + 1 OUTPUT inserted.{column} WHERE {where}";

    // Kept to the three plain statements: this dialect stays small while it cannot be tested here.
    public string? AppendSql => null;

    // Held until the migration transaction ends; a second process waits here.
    public string LockMigrationsSql =>
        "EXEC sp_getapplock @Resource = 'imcells-hlr-migrations', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = -1";

    public string CreateMigrationsTableSql =>
        "IF OBJECT_ID(N'schema_migrations', N'U') IS NULL CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at_ms BIGINT NOT NULL)";

    public string Upsert(string table, string columns, string values, string key, string? set = null, string? where = null) =>
        SqlUpsert.Merge(table, columns, values, key, set, where);

    public string Limit(string count) => $"OFFSET 0 ROWS FETCH NEXT {count} ROWS ONLY";

    public string? ConnectionProblem(string connectionString)
    {
        try
        {
            return string.IsNullOrWhiteSpace(new SqlConnectionStringBuilder(connectionString).DataSource) ? "it names no Server" : null;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            return e.Message;
        }
    }

    public string Describe(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        return $"sqlserver://{builder.DataSource}/{builder.InitialCatalog}";
    }

    public bool IsUnavailable(Exception exception) => exception switch
    {
        SqlException e => UnavailableNumbers.Contains(e.Number) || e.IsTransient,
        DbException { IsTransient: true } => true,
        InvalidOperationException when exception.Message.Contains("connection", StringComparison.OrdinalIgnoreCase) => true,
        _ => false,
    };

    public void ClearPool(DbConnection connection) => SqlConnection.ClearPool((SqlConnection)connection);

    public Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken) =>
        _connections.OpenAsync(connectionString, cancellationToken);

    /// <summary>Bounded waits unless the operator chose others: 5 s to connect, 15 s per statement.</summary>
    private static string WithDefaults(string connectionString)
    {
        var builder = new SqlConnectionStringBuilder(connectionString);
        if (!ServerConnections.Sets(connectionString, "Connect Timeout", "Connection Timeout", "Timeout"))
        {
            builder.ConnectTimeout = 5;
        }

        if (!ServerConnections.Sets(connectionString, "Command Timeout"))
        {
            builder.CommandTimeout = 15;
        }

        return builder.ConnectionString;
    }
}
