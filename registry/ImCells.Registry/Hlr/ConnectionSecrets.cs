using System.Text.RegularExpressions;

namespace ImCells.Registry.Hlr;

/// <summary>
/// A connection string in topology.json may name environment variables as ${NAME} instead of
/// holding a password: "Host=db1;Username=imcells;Password=${IMCELLS_CELL_B_PASSWORD}". They are
/// filled in when the cell opens its database, so the secret never sits in the topology file nor
/// travels with the master's map.
/// </summary>
public static partial class ConnectionSecrets
{
    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();

    /// <summary>The string with every ${NAME} replaced; throws naming the first variable that is not set.</summary>
    public static string Expand(string connectionString, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return Reference().Replace(connectionString, match =>
            environment(match.Groups[1].Value)
            ?? throw new ArgumentException($"the database connection names environment variable {match.Groups[1].Value}, which is not set"));
    }
}
