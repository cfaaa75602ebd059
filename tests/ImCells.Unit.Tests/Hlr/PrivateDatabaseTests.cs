using Dapper;
using ImCells.Registry.Hlr;
using ImCells.Trust;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>The cell database holds password hashes and messages: owner-only files in an owner-only folder.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PrivateDatabaseTests : IDisposable
{
    private const UnixFileMode Shared = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "imcells-db-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task NewDatabase_AndItsWalAndShm_AreOwnerOnly_InAnOwnerOnlyFolder()
    {
        var path = Path.Combine(_dir, "data", "cell-a.db");

        await using (var database = await OpenAsync(path))
        {
            await WriteSomethingAsync(database);
            Assert.Equal("600", Mode(path));
            Assert.Equal("600", Mode(path + "-wal"));
            Assert.Equal("600", Mode(path + "-shm"));
            Assert.Equal("700", Mode(Path.GetDirectoryName(path)!));
        }
    }

    [Fact]
    public async Task ExistingSharedDatabase_IsTightened_AndKeepsItsData()
    {
        var path = Path.Combine(_dir, "cell-a.db");
        await using (var database = await OpenAsync(path))
        {
            await WriteSomethingAsync(database);
        }

        foreach (var file in Directory.GetFiles(_dir))
        {
            File.SetUnixFileMode(file, Shared);
        }

        await using (var database = await OpenAsync(path))
        {
            Assert.Equal("600", Mode(path));
            Assert.Equal(1, await database.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM users"), CancellationToken.None));
        }

        Assert.All(Directory.GetFiles(_dir), f => Assert.Equal("600", Mode(f)));
    }

    [Fact]
    public async Task InMemoryDatabase_TouchesNoFile()
    {
        var options = new HlrOptions { Connection = "Data Source=imcells-mem-test;Mode=Memory;Cache=Shared", PasswordIterations = 1000 };

        await using var database = await HlrDatabase.OpenAsync(options, NullLogger.Instance, CancellationToken.None);

        Assert.False(File.Exists("imcells-mem-test"));
    }

    private static Task<HlrDatabase> OpenAsync(string path) =>
        HlrDatabase.OpenAsync(new HlrOptions { Connection = $"Data Source={path};Pooling=False", PasswordIterations = 1000 }, NullLogger.Instance, CancellationToken.None);

    private static Task<int> WriteSomethingAsync(HlrDatabase database) =>
        database.WriteAsync((c, t) => c.ExecuteAsync(
            "INSERT INTO users (id, name, password_hash, created_at_ms) VALUES (10000001, 'a', 'x', 0)", transaction: t), null, CancellationToken.None);

    private static string Mode(string path) =>
        PrivateFiles.Octal(File.GetUnixFileMode(path));
}
