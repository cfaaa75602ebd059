namespace ImCells.Registry.Hlr;

/// <summary>The two spellings of an upsert: ON CONFLICT (SQLite, PostgreSQL) and MERGE (SQL Server).</summary>
internal static class SqlUpsert
{
    public static string OnConflict(string table, string columns, string values, string key, string? set, string? where) =>
        $"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({key}) "
        + (set is null ? "DO NOTHING" : $"DO UPDATE SET {set}" + (where is null ? "" : $" WHERE {where}"));

    /// <summary>
    /// MERGE with HOLDLOCK, so that the check and the insert are one atomic step; the new row is
    /// the source aliased "excluded", the stored one keeps the table's name, as in ON CONFLICT.
    /// </summary>
    public static string Merge(string table, string columns, string values, string key, string? set, string? where)
    {
        var names = Split(columns);
        var source = string.Join(", ", Split(values).Zip(names, (value, name) => $"{value} AS {name}"));
        var match = string.Join(" AND ", Split(key).Select(k => $"{table}.{k} = excluded.{k}"));
        var update = set is null ? "" : $" WHEN MATCHED{(where is null ? "" : $" AND {where}")} THEN UPDATE SET {set}";
        return $"MERGE {table} WITH (HOLDLOCK) USING (SELECT {source}) AS excluded ON {match}{update} "
            + $"WHEN NOT MATCHED THEN INSERT ({columns}) VALUES ({string.Join(", ", names.Select(n => "excluded." + n))});";
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
