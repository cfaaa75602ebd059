namespace ImCells.Registry.Hlr;

/// <summary>Where and how a cell keeps its HLR. Bound from the "Hlr" configuration section.</summary>
public sealed class HlrOptions
{
    /// <summary>Database provider; only "sqlite" in this version.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>ADO.NET connection string, e.g. "Data Source=data/cell-a.db".</summary>
    public string Connection { get; set; } = "";

    /// <summary>PBKDF2-SHA256 iterations for new passwords (default 600 000, OWASP 2023).</summary>
    public int PasswordIterations { get; set; } = 600_000;
}
