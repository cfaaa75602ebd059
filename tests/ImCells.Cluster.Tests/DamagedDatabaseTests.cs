using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 13, "damaged database": a cell on a damaged file, or on one that lost committed writes
/// with its -wal file, stops at start with one line naming the file and exit code 1; it never
/// starts silently with fewer messages than it acknowledged (README, "What survives what").
/// </summary>
[Collection("cluster")]
public sealed class DamagedDatabaseTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DamagedHeader_CellExitsWithOneLine()
    {
        await cluster.RunAsync(output, TimeSpan.FromSeconds(90), async (_, ct) =>
        {
            // A real cell database (cell a's file as it is on disk), its first 16 bytes ("SQLite format 3") wiped.
            var damaged = Path.Combine(cluster.Layout.TempDir, $"damaged-{Guid.NewGuid():N}.db");
            File.Copy(DatabaseOf("a"), damaged);
            await using (var file = new FileStream(damaged, FileMode.Open))
            {
                await file.WriteAsync(new byte[16], ct);
            }

            // A second process of cell a on that file: it stops before it listens, so the running cell a is undisturbed.
            var (exit, lines) = await cluster.Servers.RunCellToExitAsync("cell a (damaged db)", "a",
                new Dictionary<string, string> { ["IMCELLS_Hlr__Connection"] = $"Data Source={damaged}" }, ExitBound, ct);
            output.WriteLine($"exit {exit}:\n{string.Join('\n', lines)}");

            Assert.Equal(1, exit);
            var problem = Assert.Single(lines, l => l.StartsWith("cell a: ", StringComparison.Ordinal));
            Assert.Equal($"cell a: database {damaged} cannot be opened: SQLite Error 26: 'file is not a database'.", problem);
            AssertNoStackTrace(lines);
            File.Delete(damaged);
        });
    }

    [Fact]
    public async Task KilledThenWalLost_CellRefusesToStart_StartsWithEveryMessageOnceTheWalIsBack()
    {
        var wal = DatabaseOf("c") + "-wal";
        var aside = wal + ".aside";
        try
        {
            await cluster.RunAsync(output, TimeSpan.FromSeconds(180), async (users, ct) =>
            {
                var ((_, aliceClient), (bob, _)) = await users.ConnectAsync("alice@c", "bob@c");
                for (var i = 0; i < 50; i++)
                {
                    await aliceClient.SendAsync(bob, $"acknowledged {i}", $"wal-{i}", ct);
                }

                // The issue's crash: SIGKILL, then the -wal file goes (here: aside, to bring back).
                await cluster.Servers.KillCellAsync("c");
                File.Move(wal, aside);
                (int Exit, IReadOnlyList<string> Lines)? refused;
                try
                {
                    refused = await cluster.Servers.RunCellToExitAsync("cell c", "c", new Dictionary<string, string>(), ExitBound, ct);
                }
                catch (TimeoutException e)
                {
                    // Only when the very last commit before the kill was an automatic checkpoint that copied
                    // every WAL frame into the file (about 1 run in 100): then the -wal held nothing to lose.
                    output.WriteLine($"cell c started without its -wal file: {e.Message}");
                    refused = null;
                    File.Delete(aside);
                }

                if (refused is var (exit, lines))
                {
                    output.WriteLine($"exit {exit}:\n{string.Join('\n', lines)}");
                    Assert.Equal(1, exit);
                    var problem = Assert.Single(lines, l => l.StartsWith("cell c: ", StringComparison.Ordinal));
                    Assert.StartsWith($"cell c: database {DatabaseOf("c")} lost committed writes: ", problem, StringComparison.Ordinal);
                    AssertNoStackTrace(lines);

                    // The refusal changed nothing: trying again without doing anything is refused again.
                    var (again, againLines) = await cluster.Servers.RunCellToExitAsync("cell c", "c", new Dictionary<string, string>(), ExitBound, ct);
                    Assert.Equal(1, again);
                    Assert.Contains(problem, againLines);
                    File.Move(aside, wal, overwrite: true);
                }

                // Either way, no acknowledged message is missing once cell c serves again.
                await cluster.Servers.StartCellAsync("c", ct);
                var bobAgain = await users.ConnectAsync(users.Options(bob, "after"));
                var mailbox = await Wait.SyncAllAsync(bobAgain, ct);
                Assert.Equal(Enumerable.Range(0, 50).Select(i => $"acknowledged {i}"), mailbox.Select(m => m.Text));
            });
        }
        finally
        {
            if (File.Exists(aside))
            {
                File.Move(aside, wal, overwrite: true);
            }

            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await cluster.Servers.EnsureRunningAsync(restore.Token);
        }
    }

    private string DatabaseOf(string cell) => Path.Combine(cluster.Layout.TempDir, $"cell-{cell}.db");

    private static void AssertNoStackTrace(IReadOnlyList<string> lines)
    {
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Unhandled exception", StringComparison.Ordinal) || l.Contains(" crit:", StringComparison.Ordinal));
    }
}
