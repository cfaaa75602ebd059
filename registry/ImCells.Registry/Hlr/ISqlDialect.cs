using System.Data.Common;

namespace ImCells.Registry.Hlr;

/// <summary>
/// What differs between database providers: opening a connection, the statements that are not
/// portable (seq increment with RETURNING, upsert), and which migration scripts to run.
/// </summary>
public interface ISqlDialect
{
    /// <summary>Folder name of this provider's scripts under Migrations/.</summary>
    string Name { get; }

    Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellationToken);

    /// <summary>Increments a user's head_seq and returns the new value. Parameter: @User.</summary>
    string NextSeqSql { get; }

    /// <summary>Moves a device cursor forward only. Parameters: @User, @Device, @Seq, @Now.</summary>
    string AdvanceCursorSql { get; }

    /// <summary>
    /// Records a new newest message of a conversation, counting it unread when it was received.
    /// Parameters: @User, @Peer, @Seq, @Incoming (0 or 1).
    /// </summary>
    string TouchConversationSql { get; }
}
