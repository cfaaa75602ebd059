using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Options;

public sealed class HlrOptionsTests
{
    private static IReadOnlyList<string> Failures(params (string, string)[] settings) =>
        Settings.Failures<HlrOptions>(s => s.AddImCellsHlrOptions(), settings);

    [Fact]
    public void Defaults_AreValid()
    {
        var options = Settings.Value<HlrOptions>(s => s.AddImCellsHlrOptions());

        Assert.Equal("sqlite", options.Provider);
        Assert.Equal("", options.Connection);
        Assert.Equal(600_000, options.PasswordIterations);
        Assert.Equal("quick", options.IntegrityCheck);
        Assert.Equal(10, options.IntegrityCheckSeconds);
    }

    [Fact]
    public void IntegrityCheck_Unknown_FailsNamingTheSetting() =>
        Assert.Equal(["Hlr:IntegrityCheck = 'fast': must be 'quick', 'full' or 'off'"], Failures(("Hlr:IntegrityCheck", "fast")));

    [Theory]
    [InlineData("0")]
    [InlineData("3601")]
    public void IntegrityCheckSeconds_OutOfRange_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Hlr:IntegrityCheckSeconds = {value}: must be 1..3600"], Failures(("Hlr:IntegrityCheckSeconds", value)));

    [Fact]
    public void Settings_AreBoundFromTheHlrSection()
    {
        var options = Settings.Value<HlrOptions>(s => s.AddImCellsHlrOptions(),
            ("Hlr:Connection", "Data Source=data/cell-a.db;Pooling=False"), ("Hlr:PasswordIterations", "1000"));

        Assert.Equal("Data Source=data/cell-a.db;Pooling=False", options.Connection);
        Assert.Equal(1000, options.PasswordIterations);
    }

    [Fact]
    public void Provider_Unknown_FailsNamingTheSetting() =>
        Assert.Equal(["Hlr:Provider = 'oracle': must be one of sqlite, postgres, sqlserver"], Failures(("Hlr:Provider", "oracle")));

    [Theory]
    [InlineData("postgres", "Host=db1;Username=imcells;Password=${IMCELLS_TEST_UNSET_PASSWORD}", "the database connection names environment variable IMCELLS_TEST_UNSET_PASSWORD, which is not set")]
    [InlineData("postgres", "Username=imcells", "it names no Host")]
    [InlineData("sqlserver", "Database=imcells", "it names no Server")]
    public void Connection_OfAServerProvider_IsCheckedByThatProvider(string provider, string value, string problem)
    {
        var failure = Assert.Single(Failures(("Hlr:Provider", provider), ("Hlr:Connection", value)));

        Assert.Equal($"Hlr:Connection: must be empty (the topology's) or a {provider} connection string: {problem}", failure);
    }

    [Fact]
    public void Connection_OfAServerProvider_Passes() =>
        Assert.Empty(Failures(("Hlr:Provider", "postgres"), ("Hlr:Connection", "Host=127.0.0.1;Port=5432;Username=imcells;Password=x")));

    [Theory]
    [InlineData("999")]
    [InlineData("10000001")]
    public void PasswordIterations_OutOfRange_FailsNamingTheSetting(string value) =>
        Assert.Equal([$"Hlr:PasswordIterations = {value}: must be 1000..10000000"], Failures(("Hlr:PasswordIterations", value)));

    [Theory]
    [InlineData("cells/a.db")]
    [InlineData("Data Source=x.db;Colour=blue")]
    [InlineData("Mode=ReadWrite")]
    public void Connection_NotASqliteConnectionString_FailsWithoutRepeatingIt(string value)
    {
        var failure = Assert.Single(Failures(("Hlr:Connection", value)));

        Assert.StartsWith("Hlr:Connection: must be empty (the topology's) or a sqlite connection string", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(value, failure, StringComparison.Ordinal);
    }
}
