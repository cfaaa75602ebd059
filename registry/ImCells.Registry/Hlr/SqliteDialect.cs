using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ImCells.Registry.Hlr;

/// <summary>The embedded default: one SQLite file per cell, WAL, NORMAL sync (durable across a process crash).</summary>
public sealed class SqliteDialect : ISqlDialect
{
    private int _filesPrepared;

    public string Name => "sqlite";

    public string NextSeqSql => "UPDATE users SET head_seq = head_seq + 1 WHERE id = @User RETURNING head_seq";

    public string AdvanceCursorSql => """
        INSERT INTO device_cursors (user_id, device_id, acked_seq, updated_at_ms) VALUES (@User, @Device, @Seq, @Now)
        ON CONFLICT (user_id, device_id) DO UPDATE SET acked_seq = excluded.acked_seq, updated_at_ms = excluded.updated_at_ms
        WHERE excluded.acked_seq > device_cursors.acked_seq
        """;

    public string TouchConversationSql => """
        INSERT INTO conversations (user_id, peer, last_seq, read_seq, unread) VALUES (@User, @Peer, @Seq, 0, @Incoming)
        ON CONFLICT (user_id, peer) DO UPDATE SET last_seq = excluded.last_seq, unread = conversations.unread + excluded.unread
        """;

    public async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The first open is the writer's, at start; read connections open the same file.
        if (Interlocked.Exchange(ref _filesPrepared, 1) == 0)
        {
            SqliteFiles.MakePrivate(connectionString);
        }

        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        // mmap: pages are read from the OS page cache in place instead of copied by a pread each
        // (writes still go through the WAL); shared by every connection, so it costs no memory per connection.
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000; PRAGMA mmap_size=268435456;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public async Task PrepareWriterAsync(DbConnection writer, CancellationToken cancellationToken)
    {
        // Checkpoints move off the commit path (WalCheckpointer); the writer keeps the hot pages
        // (users' head_seq, conversations, index roots) in a larger cache of its own: 64 MiB. A WAL
        // file that grew under a burst is cut back to 64 MiB when it starts over.
        await using var pragma = writer.CreateCommand();
        pragma.CommandText = "PRAGMA wal_autocheckpoint=0; PRAGMA cache_size=-65536; PRAGMA journal_size_limit=67108864;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
    }
}
