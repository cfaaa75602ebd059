using System.Diagnostics;
using Npgsql;

namespace ImCells.Tests.Shared;

/// <summary>
/// The PostgreSQL server of the test run: ./test.sh starts a throwaway one (tests/postgres.sh) and
/// hands its admin connection string in IMCELLS_TEST_POSTGRES, and its folder in
/// IMCELLS_TEST_POSTGRES_DIR (for the tests that stop and start it). Unset when the tests run
/// without ./test.sh: then only SQLite is tested.
/// </summary>
internal static class TestPostgres
{
    public static string? AdminConnection =>
        Environment.GetEnvironmentVariable("IMCELLS_TEST_POSTGRES") is { Length: > 0 } connection ? connection : null;

    public static string? ServerDirectory =>
        Environment.GetEnvironmentVariable("IMCELLS_TEST_POSTGRES_DIR") is { Length: > 0 } dir ? dir : null;

    /// <summary>A new empty database (a unique name starting with <paramref name="prefix"/>); its connection string.</summary>
    public static async Task<(string Name, string Connection)> CreateDatabaseAsync(string prefix)
    {
        var admin = AdminConnection ?? throw new InvalidOperationException("IMCELLS_TEST_POSTGRES is not set: run ./test.sh");
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        return (name, new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
    }

    /// <summary>Drops the database, cutting its connections (a cell may still hold some).</summary>
    public static async Task DropDatabaseAsync(string name)
    {
        if (AdminConnection is not { } admin)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one query on a database and returns the first column of the first row.</summary>
    public static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Stops the run's server (fast shutdown: every open connection is cut).</summary>
    public static Task StopServerAsync() => ServerScriptAsync("stop");

    /// <summary>Starts the run's server again, on the same data and port.</summary>
    public static Task StartServerAsync() => ServerScriptAsync("start");

    private static async Task ServerScriptAsync(string command)
    {
        var dir = ServerDirectory ?? throw new InvalidOperationException("IMCELLS_TEST_POSTGRES_DIR is not set: run ./test.sh");
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ImCells.sln")))
        {
            root = root.Parent;
        }

        var script = Path.Combine(root?.FullName ?? throw new InvalidOperationException("no ImCells.sln above the tests"), "tests", "postgres.sh");
        using var process = Process.Start(new ProcessStartInfo(script, [command, dir]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var output = process.StandardOutput.ReadToEndAsync(bound.Token);
        var errors = process.StandardError.ReadToEndAsync(bound.Token);
        await process.WaitForExitAsync(bound.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tests/postgres.sh {command} exited {process.ExitCode}: {await output}{await errors}");
        }
    }
}
