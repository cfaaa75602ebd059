using System.Data.Common;
using ImCells.Registry.Hlr;
using ImCells.Tests.Shared;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>
/// A real, empty HLR, deleted afterwards: a SQLite file in a temporary folder, a schema of its own
/// on the run's PostgreSQL server, or a database of its own on the given SQL Server.
/// </summary>
internal sealed class TempHlr : IAsyncDisposable
{
    private readonly Func<Task> _drop;

    private TempHlr(HlrDatabase database, HlrOptions options, Func<Task> drop)
    {
        _drop = drop;
        Options = options;
        Database = database;
        Accounts = new AccountStore(database, options);
        Mailboxes = new MailboxStore(database);
    }

    /// <summary>A SQL Server to test on (a connection string with rights to create databases), when given.</summary>
    public static string? SqlServerConnection =>
        Environment.GetEnvironmentVariable("IMCELLS_TEST_SQLSERVER") is { Length: > 0 } connection ? connection : null;

    public HlrDatabase Database { get; }

    /// <summary>How this HLR was opened: another process of the same cell would open it so.</summary>
    public HlrOptions Options { get; }

    public AccountStore Accounts { get; }

    public MailboxStore Mailboxes { get; }

    public static async Task<TempHlr> CreateAsync(string provider = "sqlite")
    {
        var (connection, drop) = provider switch
        {
            "sqlite" => Sqlite(),
            "postgres" => await PostgresSchemaAsync(),
            "sqlserver" => await SqlServerDatabaseAsync(),
            _ => throw new ArgumentException($"no test database for provider '{provider}'", nameof(provider)),
        };
        var options = new HlrOptions { Provider = provider, Connection = connection, PasswordIterations = 1000 };
        try
        {
            return new TempHlr(await HlrDatabase.OpenAsync(options, NullLogger.Instance, CancellationToken.None), options, drop);
        }
        catch
        {
            await drop();
            throw;
        }
    }

    public async Task<ulong> AddUserAsync(string name, ulong first = 10_000_000, ulong last = 10_999_999) =>
        (await Accounts.RegisterAsync(name, "pw", [(first, last)], CancellationToken.None))!.Id;

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        await _drop();
    }

    private static (string, Func<Task>) Sqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "imcells-hlr-" + Guid.NewGuid().ToString("N"));
        return ($"Data Source={folder}/cell.db;Pooling=False", () =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>A schema per test (quicker than a database): the HLR's tables land in the first schema of its search path.</summary>
    private static async Task<(string, Func<Task>)> PostgresSchemaAsync()
    {
        var admin = TestPostgres.AdminConnection ?? throw new InvalidOperationException("IMCELLS_TEST_POSTGRES is not set: run ./test.sh");
        var schema = "hlr_" + Guid.NewGuid().ToString("N")[..16];
        await AdminAsync(new NpgsqlConnection(admin), $"CREATE SCHEMA {schema}");
        // Named after the schema, so a test can find (and cut) this HLR's connections on the server.
        var connection = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema, ApplicationName = schema }.ConnectionString;
        return (connection, async () =>
        {
            await using (var pooled = new NpgsqlConnection(connection))
            {
                NpgsqlConnection.ClearPool(pooled);
            }

            await AdminAsync(new NpgsqlConnection(admin), $"DROP SCHEMA {schema} CASCADE");
        });
    }

    private static async Task<(string, Func<Task>)> SqlServerDatabaseAsync()
    {
        var admin = SqlServerConnection ?? throw new InvalidOperationException("IMCELLS_TEST_SQLSERVER is not set");
        var name = "imcells_hlr_" + Guid.NewGuid().ToString("N")[..16];
        await AdminAsync(new SqlConnection(admin), $"CREATE DATABASE [{name}]");
        var connection = new SqlConnectionStringBuilder(admin) { InitialCatalog = name }.ConnectionString;
        return (connection, async () =>
        {
            await using (var pooled = new SqlConnection(connection))
            {
                SqlConnection.ClearPool(pooled);
            }

            await AdminAsync(new SqlConnection(admin), $"ALTER DATABASE [{name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{name}]");
        });
    }

    /// <summary>One statement on the server as its administrator (the connection is closed after).</summary>
    private static async Task AdminAsync(DbConnection connection, string sql)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }
    }
}
