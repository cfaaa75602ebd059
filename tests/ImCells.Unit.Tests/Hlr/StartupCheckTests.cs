using Dapper;
using ImCells.Registry.Hlr;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>
/// Issue 13: a damaged or inconsistent HLR is noticed at start, with one line naming the file. A
/// "crash" is a copy of the database, its -wal and its -shm taken while the database is open, as a
/// SIGKILL leaves them.
/// </summary>
public sealed class StartupCheckTests(ITestOutputHelper output) : IDisposable
{
    private const int Early = 5;
    private const int Late = 45;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "imcells-check-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task CrashWithTheWal_StartsWithEveryAcknowledgedMessage()
    {
        var copy = await CrashCopyAsync("intact");
        // Our reading of the -wal agrees with what the -shm (SQLite) recorded as committed.
        var index = WalIndexHeader.Read(copy + "-shm");
        Assert.NotNull(index);
        Assert.True(index.MaxFrame > index.Backfilled, $"the crash copy has nothing in its WAL: {index}");
        Assert.Equal(index.MaxFrame, WalFile.CommittedFrames(copy + "-wal", index.Salt));

        await using var database = await OpenAsync(copy);

        Assert.Equal(Early + Late, await MessagesAsync(database));
    }

    [Fact]
    public async Task CrashThenWalDeleted_RefusesToStart_NamingTheLoss()
    {
        var copy = await CrashCopyAsync("no-wal");
        File.Delete(copy + "-wal");

        var refused = await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(copy));

        Assert.StartsWith($"database {copy} lost committed writes: its -shm file records ", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"put the -wal file back, or delete {copy}-shm", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task RefusedStart_LeavesTheFiles_SoTheNextStartRefusesToo()
    {
        var copy = await CrashCopyAsync("refused-twice");
        File.Delete(copy + "-wal");
        var shm = await File.ReadAllBytesAsync(copy + "-shm");
        var database = await File.ReadAllBytesAsync(copy);

        await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(copy));

        Assert.Equal(shm, await File.ReadAllBytesAsync(copy + "-shm"));
        Assert.Equal(database, await File.ReadAllBytesAsync(copy));
        Assert.False(File.Exists(copy + "-wal"));
        var again = await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(copy));
        Assert.Contains("lost committed writes", again.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashThenWalTailGarbage_RefusesToStart()
    {
        // A machine crash: the file has its length, but the last pages never reached the disk.
        var copy = await CrashCopyAsync("garbage-wal");
        var wal = await File.ReadAllBytesAsync(copy + "-wal");
        new Random(13).NextBytes(wal.AsSpan(wal.Length - 3 * 4096));
        await File.WriteAllBytesAsync(copy + "-wal", wal);

        var refused = await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(copy));

        Assert.Contains("lost committed writes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CrashThenWalCutShort_RefusesToStart()
    {
        var copy = await CrashCopyAsync("short-wal");
        using (var wal = new FileStream(copy + "-wal", FileMode.Open))
        {
            wal.SetLength(wal.Length / 2);
        }

        var refused = await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(copy));

        Assert.Contains("lost committed writes", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WalLost_ShmDeletedOnPurpose_StartsWithWhatTheFileHolds()
    {
        var copy = await CrashCopyAsync("accepted-loss");
        File.Delete(copy + "-wal");
        File.Delete(copy + "-shm");

        await using var database = await OpenAsync(copy);

        // What the checkpoint had copied into the file before the "crash": the loss the error named.
        Assert.Equal(Early, await MessagesAsync(database));
    }

    [Fact]
    public async Task CleanClose_LeavesNoShm_AndStartsAgain()
    {
        var path = Path.Combine(_dir, "clean", "cell.db");
        await using (var database = await OpenAsync(path))
        {
            await AddMessagesAsync(database, 3);
        }

        Assert.False(File.Exists(path + "-shm"));
        await using var again = await OpenAsync(path);
        Assert.Equal(3, await MessagesAsync(again));
    }

    [Fact]
    public async Task DamagedHeader_OneLineCannotBeOpened()
    {
        var path = await ClosedDatabaseAsync("header");
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.Write(new byte[16]);
        }

        var refused = await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(path));

        Assert.Equal($"database {path} cannot be opened: SQLite Error 26: 'file is not a database'.", refused.Message);
    }

    [Theory]
    [InlineData("quick", "quick_check", true)]
    [InlineData("quick", "quick_check", false)]
    [InlineData("full", "integrity_check", true)]
    [InlineData("full", "integrity_check", false)]
    public async Task DamagedPage_FoundByTheCheck(string check, string pragma, bool root)
    {
        var path = await ClosedDatabaseAsync($"page-{check}-{root}");
        var page = await PageOfMailboxAsync(path, root);
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.Position = (page - 1) * 4096L;
            file.Write(Enumerable.Repeat((byte)0x6B, 4096).ToArray());
        }

        var refused = await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(path, check));
        output.WriteLine(refused.Message);

        Assert.StartsWith($"database {path} is damaged: ", refused.Message, StringComparison.Ordinal);
        Assert.Contains(pragma, refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("(Hlr:IntegrityCheck=off starts without this check)", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', refused.Message);
    }

    [Fact]
    public async Task HeadSeqBelowTheMailbox_RefusesToStart_UnlessTheCheckIsOff()
    {
        var path = await ClosedDatabaseAsync("head");
        await using (var raw = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await raw.ExecuteAsync("UPDATE users SET head_seq = 2");
        }

        var refused = await Assert.ThrowsAsync<HlrOpenException>(() => OpenAsync(path));
        Assert.Contains("1 user(s) have messages above their head_seq (user 10000001 has head_seq 2 but mailbox seq 7)", refused.Message, StringComparison.Ordinal);

        await using var database = await OpenAsync(path, HlrIntegrityCheck.Off);
        Assert.Equal(7, await MessagesAsync(database));
    }

    /// <summary>
    /// A database with <see cref="Early"/> messages copied into the file by a checkpoint and
    /// <see cref="Late"/> more only in the WAL, copied as a crash leaves it; returns the copy's path.
    /// </summary>
    private async Task<string> CrashCopyAsync(string name)
    {
        var path = Path.Combine(_dir, "live-" + name, "cell.db");
        await using var database = await OpenAsync(path);
        await AddMessagesAsync(database, Early);
        await database.ReadAsync(c => c.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE)"), CancellationToken.None);
        await AddMessagesAsync(database, Late);

        var copy = Path.Combine(_dir, name, "cell.db");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        foreach (var suffix in (string[])["", "-wal", "-shm"])
        {
            File.Copy(path + suffix, copy + suffix);
        }

        return copy;
    }

    /// <summary>A closed database with one user and 7 messages in their mailbox.</summary>
    private async Task<string> ClosedDatabaseAsync(string name)
    {
        var path = Path.Combine(_dir, name, "cell.db");
        await using var database = await OpenAsync(path);
        await AddMessagesAsync(database, 7);
        return path;
    }

    private static async Task AddMessagesAsync(HlrDatabase database, int count)
    {
        const ulong user = 10_000_001;
        await database.WriteAsync((c, t) => c.ExecuteAsync(
            "INSERT OR IGNORE INTO users (id, name, password_hash, created_at_ms) VALUES (@user, 'u', 'x', 0)", new { user = (long)user }, t),
            null, CancellationToken.None);
        var mailboxes = new MailboxStore(database);
        for (var i = 0; i < count; i++)
        {
            // A long text: the mailbox spans several pages, so damage to one of them leaves the schema readable.
            await mailboxes.SendLocalAsync(new RoutedMessage(Guid.NewGuid().ToString("N"), user, user, new string('m', 2000), i),
                Guid.NewGuid().ToString("N"), null, CancellationToken.None);
        }
    }

    private static Task<long> MessagesAsync(HlrDatabase database) =>
        database.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM mailbox"), CancellationToken.None);

    /// <summary>
    /// The root page of the mailbox table's b-tree (an interior page: the table spans several), or
    /// the one after it (a leaf); the schema, page 1, stays readable.
    /// </summary>
    private static async Task<long> PageOfMailboxAsync(string path, bool root)
    {
        await using var raw = new SqliteConnection($"Data Source={path};Pooling=False");
        var rootPage = await raw.ExecuteScalarAsync<long>("SELECT rootpage FROM sqlite_schema WHERE name = 'mailbox'");
        var pages = await raw.ExecuteScalarAsync<long>("PRAGMA page_count");
        Assert.True(pages > rootPage + 1, $"the database has {pages} pages; the mailbox's root is {rootPage}");
        return root ? rootPage : rootPage + 1;
    }

    private static Task<HlrDatabase> OpenAsync(string path, string check = HlrIntegrityCheck.Quick)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return HlrDatabase.OpenAsync(
            new HlrOptions { Connection = $"Data Source={path};Pooling=False", PasswordIterations = 1000, IntegrityCheck = check },
            NullLogger.Instance, CancellationToken.None);
    }
}
