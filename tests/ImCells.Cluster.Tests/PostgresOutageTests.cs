using ImCells.Client;
using ImCells.ClusterHost;
using ImCells.Protos.Client;
using ImCells.Tests.Shared;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 15: the PostgreSQL server under cell b stops while the cell runs. Sends to b's users fail
/// with UNAVAILABLE (same cell) or wait in the sender's outbox (from cell a); cell b keeps running;
/// once the server is back, the retried send and the waiting message arrive, once each.
/// </summary>
[Collection("cluster")]
public sealed class PostgresOutageTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ServerStopped_SendsFailClearlyOrWait_CellKeepsRunning_AllArrivesWhenBack()
    {
        if (cluster.Layout.PostgresDatabase is null || TestPostgres.ServerDirectory is null)
        {
            output.WriteLine("skipped: no PostgreSQL given (run ./test.sh)");
            return;
        }

        try
        {
            await cluster.RunAsync(output, TimeSpan.FromSeconds(120), async (users, ct) =>
            {
                var ((bob, bobClient), (alice, aliceClient), (carol, carolClient)) = await users.ConnectAsync("bob@b", "alice@a", "carol@b");
                await carolClient.SendAsync(bob, "before", "carol-0", ct);
                await Receive.ExactlyAsync(bobClient.Messages, carol, 1, Recovery, ct);

                await TestPostgres.StopServerAsync();
                var mark = cluster.LogMark();

                // Same cell: refused at once, with a reason, nothing stored.
                var refused = await Assert.ThrowsAsync<ImClientException>(() => carolClient.SendAsync(bob, "during", "carol-1", ct));
                output.WriteLine($"carol -> bob while the database is down: {refused.Code} \"{refused.Message}\"");
                Assert.Equal(ErrorCode.Unavailable, refused.Code);
                Assert.Contains("database is unavailable", refused.Message, StringComparison.Ordinal);

                // From cell a: acknowledged by a (its own database is up), waits in a's outbox.
                var waiting = await aliceClient.SendAsync(bob, "from a during", "alice-1", ct);
                await Task.Delay(Outage, ct);
                Assert.True(cluster.Servers.IsRunning(ServerCommands.CellName("b")), "cell b stopped while its database was down");
                Assert.Contains(cluster.LogSince(mark), l => l.StartsWith("[cell b]", StringComparison.Ordinal) && l.Contains("is unavailable", StringComparison.Ordinal));

                await TestPostgres.StartServerAsync();

                // The refused send goes through on a retry with the same client_msg_id.
                Assert.NotEmpty((await RetryAsync(() => carolClient.SendAsync(bob, "during", "carol-1", ct), ct)).MessageId);
                var fromCarol = await Receive.ExactlyAsync(bobClient.Messages, carol, 1, Recovery, ct);
                var fromAlice = await Receive.ExactlyAsync(bobClient.Messages, alice, 1, Recovery, ct);
                Assert.Equal("during", Assert.Single(fromCarol).Text);
                Assert.Equal(waiting.MessageId, Assert.Single(fromAlice).Id);

                // Nothing twice, nothing missing, seqs dense: what bob's mailbox holds after the outage.
                var all = await RetryAsync(() => Wait.SyncAllAsync(bobClient, ct), ct);
                Assert.Equal(["before", "during", "from a during"], all.Select(m => m.Text).Order(StringComparer.Ordinal));
                Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (ulong)i), all.Select(m => m.Seq));
            });
        }
        finally
        {
            // Never leave the server down for the next test.
            await TestPostgres.StartServerAsync();
        }
    }

    /// <summary>Retries while the cell answers UNAVAILABLE (its writer reconnects at most once a second; a dead pooled read connection fails once).</summary>
    private static async Task<T> RetryAsync<T>(Func<Task<T>> send, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await send();
            }
            catch (ImClientException e) when (e.Code == ErrorCode.Unavailable && attempt < 60)
            {
                await Task.Delay(500, ct);
            }
        }
    }
}
