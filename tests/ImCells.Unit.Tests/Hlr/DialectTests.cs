using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>The statements that differ by provider, pinned: SQL Server's are reviewed here, since no SQL Server runs where this is built.</summary>
public sealed class DialectTests
{
    [Fact]
    public void Upsert_OnConflict_ForSqliteAndPostgres()
    {
        var sql = new PostgresDialect().Upsert("device_cursors", "user_id, device_id, acked_seq", "@User, @Device, @Seq", "user_id, device_id",
            set: "acked_seq = excluded.acked_seq", where: "excluded.acked_seq > device_cursors.acked_seq");

        Assert.Equal(
            "INSERT INTO device_cursors (user_id, device_id, acked_seq) VALUES (@User, @Device, @Seq) ON CONFLICT (user_id, device_id) "
            + "DO UPDATE SET acked_seq = excluded.acked_seq WHERE excluded.acked_seq > device_cursors.acked_seq",
            sql);
        Assert.Equal(sql, new SqliteDialect().Upsert("device_cursors", "user_id, device_id, acked_seq", "@User, @Device, @Seq", "user_id, device_id",
            set: "acked_seq = excluded.acked_seq", where: "excluded.acked_seq > device_cursors.acked_seq"));
    }

    [Fact]
    public void Upsert_Merge_ForSqlServer()
    {
        var sql = new SqlServerDialect().Upsert("device_cursors", "user_id, device_id, acked_seq", "@User, @Device, @Seq", "user_id, device_id",
            set: "acked_seq = excluded.acked_seq", where: "excluded.acked_seq > device_cursors.acked_seq");

        Assert.Equal(
            "MERGE device_cursors WITH (HOLDLOCK) USING (SELECT @User AS user_id, @Device AS device_id, @Seq AS acked_seq) AS excluded "
            + "ON device_cursors.user_id = excluded.user_id AND device_cursors.device_id = excluded.device_id "
            + "WHEN MATCHED AND excluded.acked_seq > device_cursors.acked_seq THEN UPDATE SET acked_seq = excluded.acked_seq "
            + "WHEN NOT MATCHED THEN INSERT (user_id, device_id, acked_seq) VALUES (excluded.user_id, excluded.device_id, excluded.acked_seq);",
            sql);
    }

    [Fact]
    public void Upsert_DoNothing_WhenNoSet()
    {
        Assert.Equal("INSERT INTO blacklist (user_id, blocked_id) VALUES (@u, @b) ON CONFLICT (user_id, blocked_id) DO NOTHING",
            new PostgresDialect().Upsert("blacklist", "user_id, blocked_id", "@u, @b", "user_id, blocked_id"));
        Assert.Equal(
            "MERGE blacklist WITH (HOLDLOCK) USING (SELECT @u AS user_id, @b AS blocked_id) AS excluded "
            + "ON blacklist.user_id = excluded.user_id AND blacklist.blocked_id = excluded.blocked_id "
            + "WHEN NOT MATCHED THEN INSERT (user_id, blocked_id) VALUES (excluded.user_id, excluded.blocked_id);",
            new SqlServerDialect().Upsert("blacklist", "user_id, blocked_id", "@u, @b", "user_id, blocked_id"));
    }

    [Fact]
    public void Limit_AndNextSeq_PerProvider()
    {
        Assert.Equal("LIMIT @take", new PostgresDialect().Limit("@take"));
        Assert.Equal("OFFSET 0 ROWS FETCH NEXT @take ROWS ONLY", new SqlServerDialect().Limit("@take"));
        Assert.EndsWith("RETURNING head_seq", new PostgresDialect().NextSeqSql, StringComparison.Ordinal);
        Assert.Contains("OUTPUT inserted.head_seq", new SqlServerDialect().NextSeqSql, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_NeverShowsThePassword()
    {
        Assert.Equal("postgres://imcells@db1:5433/cell_b", new PostgresDialect().Describe("Host=db1;Port=5433;Username=imcells;Password=s3cret;Database=cell_b"));
        Assert.Equal("sqlserver://db2/cell_b", new SqlServerDialect().Describe("Server=db2;Database=cell_b;User Id=imcells;Password=s3cret"));
    }

    [Fact]
    public void Secrets_AreFilledFromTheEnvironment_AndAMissingOneIsNamed()
    {
        var environment = new Dictionary<string, string> { ["PW"] = "s3cret" };

        Assert.Equal("Host=db1;Password=s3cret;Username=u", ConnectionSecrets.Expand("Host=db1;Password=${PW};Username=u", environment.GetValueOrDefault));
        Assert.Equal("Host=db1;Password=$PW", ConnectionSecrets.Expand("Host=db1;Password=$PW", environment.GetValueOrDefault));
        var missing = Assert.Throws<ArgumentException>(() => ConnectionSecrets.Expand("Password=${NOPE}", environment.GetValueOrDefault));
        Assert.Equal("the database connection names environment variable NOPE, which is not set", missing.Message);
    }
}
