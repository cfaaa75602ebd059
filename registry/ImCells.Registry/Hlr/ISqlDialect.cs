using System.Data.Common;

namespace ImCells.Registry.Hlr;

/// <summary>
/// What differs between database providers: opening a connection, the few statements that are not
/// portable (seq increment returning the new value, upsert, row limit), the migration lock, and
/// which failures mean "the database cannot be reached" rather than "this write is wrong". Every
/// other statement in the stores is plain SQL that SQLite, PostgreSQL and SQL Server all accept.
/// </summary>
public interface ISqlDialect
{
    /// <summary>The provider name in topology.json, also the folder of its scripts under Migrations/.</summary>
    string Name { get; }

    /// <summary>Why the connection string cannot be used, or null; never repeats the string (it may hold a password).</summary>
    string? ConnectionProblem(string connectionString);

    /// <summary>The connection string without secrets, for logs and error messages.</summary>
    string Describe(string connectionString);

    Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken);

    /// <summary>Increments a user's head_seq and returns the new value. Parameter: @User.</summary>
    string NextSeqSql { get; }

    /// <summary>Adds one to <paramref name="column"/> of the rows matching <paramref name="where"/> and returns the new value.</summary>
    string Increment(string table, string column, string where);

    /// <summary>
    /// Appends one message to a mailbox in one round trip, or null where the three statements
    /// (<see cref="NextSeqSql"/>, the insert, the conversation upsert) run one by one. Returns the
    /// new seq. Parameters: @owner, @id, @from, @to, @peer, @text, @sentAt, @failed, @incoming.
    /// </summary>
    string? AppendSql { get; }

    /// <summary>
    /// Inserts a row, or when a row with the same <paramref name="key"/> exists, applies
    /// <paramref name="set"/> (null: leaves it alone) if <paramref name="where"/> holds. In
    /// <paramref name="set"/> and <paramref name="where"/>, "excluded.col" is the new value and
    /// "table.col" the stored one.
    /// </summary>
    string Upsert(string table, string columns, string values, string key, string? set = null, string? where = null);

    /// <summary>The clause after ORDER BY that keeps the first <paramref name="count"/> rows (a parameter name).</summary>
    string Limit(string count);

    /// <summary>Creates schema_migrations if missing (inside the migration transaction).</summary>
    string CreateMigrationsTableSql { get; }

    /// <summary>
    /// Run first in the migration transaction, so that two processes starting at once on one
    /// database apply each script once ("" where the transaction itself excludes other writers).
    /// </summary>
    string LockMigrationsSql { get; }

    /// <summary>True when <paramref name="exception"/> means the database is unreachable or down, not that the statement is wrong.</summary>
    bool IsUnavailable(Exception exception);

    /// <summary>Forgets pooled connections, which may all be dead after the server went away.</summary>
    void ClearPool(DbConnection connection);
}
