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
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }
}
