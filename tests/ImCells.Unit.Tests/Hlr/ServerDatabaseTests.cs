using Dapper;
using ImCells.Registry.Hlr;
using ImCells.Tests.Shared;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>What a database server adds to the HLR's guarantees: migrations two processes may start at once, seqs that stay dense with two writers, a writer that comes back after its connection was cut.</summary>
public sealed class ServerDatabaseTests
{
    private static RoutedMessage Message(ulong from, ulong to, string text) =>
        new(Guid.NewGuid().ToString("N"), from, to, text, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    [Theory]
    [HlrProviders]
    public async Task TwoProcessesStartingAtOnce_ApplyEachMigrationOnce(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        // Two more "processes" open the same (already migrated) database at once, and nothing is applied twice.
        var opened = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => HlrDatabase.OpenAsync(hlr.Options, NullLogger.Instance, CancellationToken.None)));
        foreach (var database in opened)
        {
            await database.DisposeAsync();
        }

        var versions = await hlr.Database.ReadAsync(c => c.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"), CancellationToken.None);
        Assert.Equal(versions.Distinct(), versions);
        Assert.NotEmpty(versions);
    }

    [Fact]
    public async Task Postgres_FreshDatabaseOpenedByFourAtOnce_MigratedOnce()
    {
        if (TestPostgres.AdminConnection is null)
        {
            return; // only SQLite in this run (./test.sh always gives a PostgreSQL server)
        }

        var (name, connection) = await TestPostgres.CreateDatabaseAsync("imcells_migrate");
        try
        {
            var options = new HlrOptions { Provider = "postgres", Connection = connection, PasswordIterations = 1000 };
            var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => HlrDatabase.OpenAsync(options, NullLogger.Instance, CancellationToken.None)));
            var versions = await opened[0].ReadAsync(c => c.QueryAsync<long>("SELECT version FROM schema_migrations ORDER BY version"), CancellationToken.None);
            Assert.Equal([1L, 2L], versions);
            foreach (var database in opened)
            {
                await database.DisposeAsync();
            }
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(name);
        }
    }

    /// <summary>The cell has one writer, but seqs do not depend on it: "UPDATE ... RETURNING" locks the user's row until commit.</summary>
    [Theory]
    [HlrProviders]
    public async Task TwoWritersOnOneDatabase_SeqsStayDenseAndDistinct(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        await using var second = await HlrDatabase.OpenAsync(hlr.Options, NullLogger.Instance, CancellationToken.None);
        var bob = await hlr.AddUserAsync("bob");
        var senders = new List<ulong>();
        for (var i = 0; i < 8; i++)
        {
            senders.Add(await hlr.AddUserAsync($"s{i}"));
        }

        MailboxStore[] stores = [hlr.Mailboxes, new MailboxStore(second)];
        await Task.WhenAll(senders.Select((s, n) => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await stores[n % 2].SendLocalAsync(Message(s, bob, $"{s}:{i}"), $"c{i}", null, CancellationToken.None);
            }
        })));

        var (entries, head, _) = await hlr.Mailboxes.SyncAsync(bob, 0, 1000, CancellationToken.None);
        Assert.Equal(200UL, head);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (ulong)i), entries.Select(e => e.Seq));
    }

    [Fact]
    public async Task Postgres_ConnectionsCut_WritesFailAsUnavailable_ThenTheWriterReconnects()
    {
        if (TestPostgres.AdminConnection is not { } admin)
        {
            return; // only SQLite in this run (./test.sh always gives a PostgreSQL server)
        }

        await using var hlr = await TempHlr.CreateAsync("postgres");
        var alice = await hlr.AddUserAsync("alice");
        var bob = await hlr.AddUserAsync("bob");
        await hlr.Mailboxes.SendLocalAsync(Message(alice, bob, "before"), "c0", null, CancellationToken.None);

        // What a server restart does to the cell: every connection of this HLR is closed by the server.
        var applicationName = new NpgsqlConnectionStringBuilder(hlr.Options.Connection).ApplicationName;
        var cut = await TestPostgres.ScalarAsync(admin,
            $"SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{applicationName}'");
        Assert.True(Convert.ToInt64(cut) >= 1);

        var failure = await Assert.ThrowsAsync<HlrUnavailableException>(() =>
            hlr.Mailboxes.SendLocalAsync(Message(alice, bob, "during"), "c1", null, CancellationToken.None));
        Assert.Contains("is unavailable", failure.Message, StringComparison.Ordinal);

        // The writer tries again at most once a second: the send goes through within a few tries.
        SendResult? sent = null;
        for (var attempt = 0; attempt < 50 && sent is null; attempt++)
        {
            try
            {
                sent = await hlr.Mailboxes.SendLocalAsync(Message(alice, bob, "during"), "c1", null, CancellationToken.None);
            }
            catch (HlrUnavailableException)
            {
                await Task.Delay(200);
            }
        }

        Assert.NotNull(sent);
        (IReadOnlyList<MailboxEntry> Entries, ulong Head, bool) synced = default;
        for (var attempt = 0; attempt < 5 && synced.Entries is null; attempt++)
        {
            try
            {
                synced = await hlr.Mailboxes.SyncAsync(bob, 0, 10, CancellationToken.None);
            }
            catch (HlrUnavailableException)
            {
                // A pooled read connection that the server closed fails once; the pool is then cleared.
            }
        }

        Assert.NotNull(synced.Entries);
        Assert.Equal(["before", "during"], synced.Entries.Select(e => e.Text));
        Assert.Equal([1UL, 2UL], synced.Entries.Select(e => e.Seq));
    }
}
