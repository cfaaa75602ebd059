using ImCells.Cli;
using ImCells.Cli.Commands;
using ImCells.ClusterHost;
using ImCells.Topology;
using Microsoft.Data.Sqlite;

namespace ImCells.Unit.Tests.Cli;

/// <summary>`topology remove-cell` for a cell that is not running: its SQLite file decides.</summary>
public sealed class RemoveCellTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imcells-remove-").FullName;
    private readonly PortReservation _ports = PortReservation.Reserve(2);

    public void Dispose()
    {
        _ports.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private string TopologyPath => Path.Combine(_dir, "topology.json");

    private string DatabasePath => Path.Combine(_dir, "cell-c.db");

    [Fact]
    public async Task NotRunning_NoDatabase_IsRemoved_AndTheFileIsAsBeforeTheAddPlusRemovedCells()
    {
        var original = await WriteTopologyAsync();
        await AddCellCAsync();

        Assert.Equal(0, await CommandInvoke.RunAsync(TopologyCommand.Build(), "remove-cell", "--id", "c", "--topology", TopologyPath));

        var expected = original
            .Replace("\"version\": 1,", "\"version\": 3,", StringComparison.Ordinal)
            .Replace("  \"cells\": [", "  \"removedCells\": [ \"c\" ],\n  \"cells\": [", StringComparison.Ordinal);
        Assert.Equal(expected, await File.ReadAllTextAsync(TopologyPath));
    }

    [Fact]
    public async Task NotRunning_DatabaseWithUsers_IsRefused_FileUntouched()
    {
        await WriteTopologyAsync();
        await AddCellCAsync();
        using (var db = new SqliteConnection($"Data Source={DatabasePath}"))
        {
            db.Open();
            using var create = db.CreateCommand();
            create.CommandText = "CREATE TABLE users (id INTEGER PRIMARY KEY); INSERT INTO users VALUES (12000000), (12000001), (12000002);";
            create.ExecuteNonQuery();
        }

        var before = await File.ReadAllTextAsync(TopologyPath);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => CommandInvoke.RunAsync(TopologyCommand.Build(), "remove-cell", "--id", "c", "--topology", TopologyPath));

        Assert.StartsWith("cell c has 3 users", refused.Message);
        Assert.EndsWith("remove refused", refused.Message);
        Assert.Equal(before, await File.ReadAllTextAsync(TopologyPath));
    }

    [Fact]
    public async Task UnknownCell_Fails()
    {
        await WriteTopologyAsync();

        var e = await Assert.ThrowsAsync<CliException>(() => CommandInvoke.RunAsync(TopologyCommand.Build(), "remove-cell", "--id", "z", "--topology", TopologyPath));

        Assert.Contains("no cell 'z'", e.Message);
    }

    private async Task<string> WriteTopologyAsync()
    {
        var text = ImCells.Unit.Tests.Topology.TopologyJson.TwoCells().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        await File.WriteAllTextAsync(TopologyPath, text);
        TopologyFile.Load(TopologyPath);
        return text;
    }

    /// <summary>Cell c on ports nothing listens on (reserved, not bound): it is "not running".</summary>
    private Task AddCellCAsync() => CommandInvoke.RunAsync(TopologyCommand.Build(), "add-cell", "--id", "c", "--range", "12000000-12999999",
        "--grpc", $"https://127.0.0.1:{_ports[0]}", "--chat", $"tls://127.0.0.1:{_ports[1]}", "--sqlite", DatabasePath, "--topology", TopologyPath);
}
