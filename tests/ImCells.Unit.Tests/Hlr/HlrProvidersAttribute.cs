using System.Reflection;
using ImCells.Tests.Shared;
using Xunit.Sdk;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>
/// Runs an HLR store test once per database provider the run was given: SQLite always,
/// PostgreSQL when IMCELLS_TEST_POSTGRES is set (./test.sh sets it), SQL Server when
/// IMCELLS_TEST_SQLSERVER is (./test.sh says "skipped: no SQL Server given" when not).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HlrProvidersAttribute : DataAttribute
{
    public static IEnumerable<string> Available
    {
        get
        {
            yield return "sqlite";
            if (TestPostgres.AdminConnection is not null)
            {
                yield return "postgres";
            }

            if (TempHlr.SqlServerConnection is not null)
            {
                yield return "sqlserver";
            }
        }
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => Available.Select(p => new object[] { p });
}
