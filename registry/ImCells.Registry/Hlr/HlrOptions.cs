using Microsoft.Extensions.Options;

namespace ImCells.Registry.Hlr;

/// <summary>Where and how a cell keeps its HLR. Bound from the "Hlr" configuration section, checked at start.</summary>
public sealed class HlrOptions
{
    public const string Section = "Hlr";

    /// <summary>Database provider: "sqlite" (the default, embedded), "postgres" or "sqlserver".</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>
    /// ADO.NET connection string of the provider, e.g. "Data Source=data/cell-a.db"; ${NAME} is
    /// filled from the environment variable NAME. Default empty: the cell's database connection in
    /// the topology.
    /// </summary>
    public string Connection { get; set; } = "";

    /// <summary>PBKDF2-SHA256 iterations for new passwords, 1000..10000000 (default 600 000, OWASP 2023).</summary>
    public int PasswordIterations { get; set; } = 600_000;

    /// <summary>
    /// How the database is checked at start: "quick" (default: SQLite quick_check, then the users'
    /// head_seq against their mailboxes), "full" (integrity_check, which also compares every index
    /// with its table, about 4 times slower) or "off". The check of a lost -wal file always runs.
    /// </summary>
    public string IntegrityCheck { get; set; } = HlrIntegrityCheck.Quick;

    /// <summary>Most seconds the start-up check may take, 1..3600 (default 10); past it the rest of the file goes unchecked, with a warning.</summary>
    public int IntegrityCheckSeconds { get; set; } = 10;
}

/// <summary>The values of <see cref="HlrOptions.IntegrityCheck"/>.</summary>
public static class HlrIntegrityCheck
{
    public const string Quick = "quick";
    public const string Full = "full";
    public const string Off = "off";
}

/// <summary>The rules for <see cref="HlrOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class HlrOptionsValidation : IValidateOptions<HlrOptions>
{
    public ValidateOptionsResult Validate(string? name, HlrOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (!HlrDatabase.Providers.Contains(options.Provider))
        {
            errors.AddError($"Hlr:Provider = '{options.Provider}': must be one of {string.Join(", ", HlrDatabase.Providers)}");
        }

        // The value is not repeated: a connection string may hold a password.
        else if (!string.IsNullOrEmpty(options.Connection) && ConnectionProblem(options) is { } problem)
        {
            errors.AddError($"Hlr:Connection: must be empty (the topology's) or a {options.Provider} connection string: {problem}");
        }

        if (options.PasswordIterations is < 1_000 or > 10_000_000)
        {
            errors.AddError($"Hlr:PasswordIterations = {options.PasswordIterations}: must be 1000..10000000");
        }

        if (options.IntegrityCheck is not (HlrIntegrityCheck.Quick or HlrIntegrityCheck.Full or HlrIntegrityCheck.Off))
        {
            errors.AddError($"Hlr:IntegrityCheck = '{options.IntegrityCheck}': must be 'quick', 'full' or 'off'");
        }

        if (options.IntegrityCheckSeconds is < 1 or > 3600)
        {
            errors.AddError($"Hlr:IntegrityCheckSeconds = {options.IntegrityCheckSeconds}: must be 1..3600");
        }

        return errors.Build();
    }

    private static string? ConnectionProblem(HlrOptions options)
    {
        try
        {
            return HlrDatabase.DialectFor(options.Provider).ConnectionProblem(ConnectionSecrets.Expand(options.Connection));
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
