using ImCells.Trust;
using Microsoft.Data.Sqlite;

namespace ImCells.Registry.Hlr;

/// <summary>
/// A cell database holds password hashes and every message: only the server's user may read it.
/// The file is created 0600 (its folder 0700) before SQLite opens it, since SQLite gives the -wal
/// and -shm files the database file's mode; files made by older versions are tightened.
/// </summary>
internal static class SqliteFiles
{
    /// <summary>The full path of the database file, or null for an in-memory database or a file: URI.</summary>
    public static string? PathOf(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        return builder.Mode == SqliteOpenMode.Memory || source is "" or ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            ? null
            : Path.GetFullPath(source);
    }

    public static void MakePrivate(string connectionString)
    {
        if (PathOf(connectionString) is not { } path)
        {
            return;
        }

        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            // SQLite takes an empty file for a new database.
            PrivateFiles.CreateOnce(path, []);
        }

        foreach (var file in (string[])[path, path + "-wal", path + "-shm", path + "-journal"])
        {
            PrivateFiles.RestrictToOwner(file);
        }
    }
}
