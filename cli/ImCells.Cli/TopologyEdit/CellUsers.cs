using Grpc.Core;
using ImCells.Cli.Admin;
using ImCells.Protos.Topology;
using Microsoft.Data.Sqlite;

namespace ImCells.Cli.TopologyEdit;

/// <summary>
/// How many users a cell has, for `topology remove-cell`: a running cell is asked (its operator
/// Status, field users); a cell that is not running has its SQLite database read. Anything that
/// cannot be counted is a refusal with the reason.
/// </summary>
internal static class CellUsers
{
    /// <summary>The number of users of <paramref name="cell"/> and how it was found; a RefusedException when it cannot be known.</summary>
    public static async Task<(ulong Users, string How)> CountAsync(CellInfo cell, OperatorCells? operatorCells, string? missing, string root)
    {
        var (host, port) = Answering.HostPort(cell.Grpc);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        bool running;
        try
        {
            running = await ListeningPorts.IsListeningAsync(host, port, deadline.Token);
        }
        catch (OperationCanceledException)
        {
            running = false;
        }

        if (running)
        {
            if (operatorCells is null)
            {
                throw new RefusedException($"cell {cell.Id} is running and only the operator may count its users ({missing}): remove refused");
            }

            try
            {
                return ((await operatorCells.StatusAsync(cell.Id, cell.Grpc)).Users, "the cell says so");
            }
            catch (RpcException e)
            {
                throw new RefusedException($"cell {cell.Id} listens on {cell.Grpc} but does not tell its users ({OperatorCells.Describe(e)}): remove refused");
            }
        }

        if (!cell.Database.Provider.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            throw new RefusedException(
                $"cell {cell.Id} is not running and its database is {cell.Database.Provider}: start the cell so it can count its users: remove refused");
        }

        return CountSqlite(cell, root);
    }

    /// <summary>Counts the users table of the cell's SQLite file (relative paths are the repository root's, `up`'s working folder).</summary>
    private static (ulong Users, string How) CountSqlite(CellInfo cell, string root)
    {
        var source = new SqliteConnectionStringBuilder(cell.Database.Connection).DataSource;
        var path = Path.IsPathRooted(source) ? source : Path.Combine(root, source);
        if (!File.Exists(path))
        {
            return (0, $"it is not running and has no database ({path})");
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using var hasTable = connection.CreateCommand();
            hasTable.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'users'";
            if (Convert.ToInt64(hasTable.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return (0, $"it is not running and its database {path} has no users table");
            }

            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM users";
            return ((ulong)Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture), $"it is not running; counted in {path}");
        }
        catch (SqliteException e)
        {
            throw new RefusedException($"cell {cell.Id} is not running and its database {path} cannot be read ({e.Message}): remove refused");
        }
    }
}
