using System.Data.Common;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Opening connections to a database server: the operator's connection string with the cell's
/// defaults added (computed once, not on every open), and a connection that fails to open disposed.
/// </summary>
internal sealed class ServerConnections(Func<string, string> withDefaults, Func<string, DbConnection> create)
{
    private Effective? _effective;

    /// <summary>Whether the operator's connection string sets one of <paramref name="keys"/>.</summary>
    public static bool Sets(string connectionString, params string[] keys)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return keys.Any(given.ContainsKey);
    }

    public async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var effective = Volatile.Read(ref _effective);
        if (effective is null || !ReferenceEquals(effective.Given, connectionString))
        {
            effective = new Effective(connectionString, withDefaults(connectionString));
            Volatile.Write(ref _effective, effective);
        }

        var connection = create(effective.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    private sealed record Effective(string Given, string ConnectionString);
}
