using System.Data.Common;
using Dapper;
using ImCells.Registry.Hlr;

namespace ImCells.Registry.Groups;

/// <summary>
/// Per group and member cell, how far that cell has acknowledged the timeline: the timeline is its
/// own outbox. A cell gets a row when its first member joins (starting at that event) and loses it
/// once the event after which it has no member left was delivered (until_seq).
/// </summary>
public sealed class GroupFanoutStore(HlrDatabase database)
{
    public Task<IReadOnlyList<FanoutCursor>> CursorsAsync(ulong? group, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<FanoutCursor>>(async connection =>
            (await connection.QueryAsync<CursorRow>(
                "SELECT group_id AS GroupId, cell AS Cell, delivered_seq AS DeliveredSeq, until_seq AS UntilSeq FROM group_fanout" + (group is null ? "" : " WHERE group_id = @group"),
                new { group = (long)(group ?? 0) }))
            .Select(r => new FanoutCursor((ulong)r.GroupId, r.Cell, (ulong)r.DeliveredSeq, (ulong?)r.UntilSeq)).ToList(), cancellationToken);

    /// <summary>Records that <paramref name="cell"/> has everything of the groups up to the seqs given; drops rows whose cell is done.</summary>
    public Task AdvanceAsync(string cell, IReadOnlyList<(ulong Group, ulong Seq)> delivered, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            foreach (var (group, seq) in delivered)
            {
                var advance = WriterCommands.Bind(database.Commands.Get(transaction,
                    "UPDATE group_fanout SET delivered_seq = @seq WHERE group_id = @group AND cell = @cell AND delivered_seq < @seq"), "@seq", (long)seq);
                WriterCommands.Bind(advance, "@group", (long)group);
                WriterCommands.Bind(advance, "@cell", cell);
                await advance.ExecuteNonQueryAsync();
            }

            return await connection.ExecuteAsync(
                "DELETE FROM group_fanout WHERE cell = @cell AND until_seq IS NOT NULL AND delivered_seq >= until_seq", new { cell }, transaction);
        }, null, cancellationToken);

    /// <summary>Cells that gain a member at <paramref name="seq"/> get that event and what follows (a cell already tracked keeps its place).</summary>
    internal static async Task TrackCellsAsync(DbConnection connection, DbTransaction transaction, ulong group, IEnumerable<string> cells, ulong seq)
    {
        foreach (var cell in cells.Distinct(StringComparer.Ordinal))
        {
            var kept = await connection.ExecuteAsync("UPDATE group_fanout SET until_seq = NULL WHERE group_id = @group AND cell = @cell",
                new { group = (long)group, cell }, transaction);
            if (kept == 0)
            {
                await connection.ExecuteAsync("INSERT INTO group_fanout (group_id, cell, delivered_seq) VALUES (@group, @cell, @delivered)",
                    new { group = (long)group, cell, delivered = (long)seq - 1 }, transaction);
            }
        }
    }

    /// <summary>Of <paramref name="cells"/>, those left without a member after <paramref name="seq"/> stop once they have it.</summary>
    internal static async Task RetireEmptyCellsAsync(DbConnection connection, DbTransaction transaction, ulong group, IEnumerable<string> cells, ulong seq)
    {
        foreach (var cell in cells.Distinct(StringComparer.Ordinal))
        {
            var members = await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM group_members WHERE group_id = @group AND cell = @cell AND left_seq IS NULL", new { group = (long)group, cell }, transaction);
            if (members == 0)
            {
                await connection.ExecuteAsync("UPDATE group_fanout SET until_seq = @seq WHERE group_id = @group AND cell = @cell",
                    new { seq = (long)seq, group = (long)group, cell }, transaction);
            }
        }
    }

    /// <summary>A dissolved group: every cell stops after the dissolve event.</summary>
    internal static Task RetireAllAsync(DbConnection connection, DbTransaction transaction, ulong group, ulong seq) =>
        connection.ExecuteAsync("UPDATE group_fanout SET until_seq = @seq WHERE group_id = @group", new { seq = (long)seq, group = (long)group }, transaction);

    private sealed class CursorRow
    {
        public long GroupId { get; init; }
        public string Cell { get; init; } = "";
        public long DeliveredSeq { get; init; }
        public long? UntilSeq { get; init; }
    }
}
