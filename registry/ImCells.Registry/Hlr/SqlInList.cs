using System.Globalization;
using Dapper;

namespace ImCells.Registry.Hlr;

/// <summary>
/// An IN (...) list spelled out as one parameter per value: Dapper would hand Npgsql a list as one
/// array parameter, which IN does not take. Keep lists under 2 000 values (SQL Server's limit is 2 100 parameters).
/// </summary>
internal static class SqlInList
{
    public static (string List, DynamicParameters Parameters) Of(IReadOnlyList<long> values, string prefix = "@v")
    {
        var parameters = new DynamicParameters();
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = prefix + i.ToString(CultureInfo.InvariantCulture);
            parameters.Add(names[i], values[i]);
        }

        return (string.Join(", ", names), parameters);
    }
}
