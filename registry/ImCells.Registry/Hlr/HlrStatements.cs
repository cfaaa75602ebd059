namespace ImCells.Registry.Hlr;

/// <summary>The hot-path statements that differ by provider, spelled once per database (the writer caches commands by text).</summary>
internal sealed class HlrStatements(ISqlDialect dialect)
{
    /// <summary>The whole append in one statement, where the provider has one (see <see cref="ISqlDialect.AppendSql"/>).</summary>
    public string? Append { get; } = dialect.AppendSql;

    /// <summary>Parameter: @User.</summary>
    public string NextSeq { get; } = dialect.NextSeqSql;

    /// <summary>Moves a device cursor forward only. Parameters: @User, @Device, @Seq, @Now.</summary>
    public string AdvanceCursor { get; } = dialect.Upsert(
        "device_cursors", "user_id, device_id, acked_seq, updated_at_ms", "@User, @Device, @Seq, @Now", "user_id, device_id",
        set: "acked_seq = excluded.acked_seq, updated_at_ms = excluded.updated_at_ms",
        where: "excluded.acked_seq > device_cursors.acked_seq");

    /// <summary>
    /// Records a new newest message of a conversation, counting it unread when it was received.
    /// Parameters: @User, @Peer, @Seq, @Incoming (0 or 1).
    /// </summary>
    public string TouchConversation { get; } = dialect.Upsert(
        "conversations", "user_id, peer, last_seq, read_seq, unread", "@User, @Peer, @Seq, 0, @Incoming", "user_id, peer",
        set: "last_seq = excluded.last_seq, unread = conversations.unread + excluded.unread");
}
