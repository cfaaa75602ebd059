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
    public static void MakePrivate(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || source is "" or ":memory:" || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var path = Path.GetFullPath(source);
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
