using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Logging;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Versioned .sql scripts embedded next to this code (Migrations/{provider}/NNN_name.sql), applied
/// once each in order, all in one transaction that first takes the provider's migration lock: two
/// processes starting at once on one database apply each script once (the second waits, then
/// finds them applied), and a failed script leaves the database as it was.
/// </summary>
internal static partial class HlrMigrations
{
    /// <summary>A migration may rewrite a large table: no statement timeout of the provider's default.</summary>
    private const int ScriptTimeoutSeconds = 3600;

    public static async Task RunAsync(DbConnection connection, ISqlDialect dialect, ILogger logger, CancellationToken cancellationToken)
    {
        var applied = new List<(long Version, string Name)>();
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            if (dialect.LockMigrationsSql.Length > 0)
            {
                await connection.ExecuteAsync(dialect.LockMigrationsSql, transaction: transaction, commandTimeout: ScriptTimeoutSeconds);
            }

            await connection.ExecuteAsync(dialect.CreateMigrationsTableSql, transaction: transaction);
            var done = (await connection.QueryAsync<long>("SELECT version FROM schema_migrations", transaction: transaction)).ToHashSet();
            foreach (var (name, version) in Scripts(dialect))
            {
                if (done.Contains(version))
                {
                    continue;
                }

                await connection.ExecuteAsync(await ReadAsync(name, cancellationToken), transaction: transaction, commandTimeout: ScriptTimeoutSeconds);
                await connection.ExecuteAsync(
                    "INSERT INTO schema_migrations (version, applied_at_ms) VALUES (@version, @now)",
                    new { version, now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction);
                applied.Add((version, name));
            }

            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var (version, name) in applied)
        {
            MigrationApplied(logger, version, name);
        }
    }

    private static IEnumerable<(string Name, long Version)> Scripts(ISqlDialect dialect)
    {
        var assembly = typeof(HlrMigrations).Assembly;
        var prefix = $"{assembly.GetName().Name}.Migrations.{dialect.Name}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: long.Parse(n.AsSpan(prefix.Length, 3))))
            .OrderBy(s => s.Version);
    }

    private static async Task<string> ReadAsync(string name, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(typeof(HlrMigrations).Assembly.GetManifestResourceStream(name)!);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    [LoggerMessage(1, LogLevel.Information, "HLR migration {Version} applied ({Script})")]
    private static partial void MigrationApplied(ILogger logger, long version, string script);
}
