using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>Scheduled sends live in the sender's home cell database and fire through the normal path.</summary>
[Collection("cluster")]
public sealed class ScheduledTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ScheduledMessage_FiresAfterSenderCellRestart()
    {
        try
        {
            await cluster.RunAsync(output, TimeSpan.FromSeconds(150), async (users, ct) =>
            {
                var ((bob, bobClient), (alice, aliceClient)) = await users.ConnectAsync("bob@b", "alice@a");

                var at = DateTimeOffset.UtcNow.AddSeconds(6);
                var scheduled = await aliceClient.ScheduleAsync(bob, "see you later", at, clientMsgId: "sched-keep", ct: ct);
                Assert.False(string.IsNullOrEmpty(scheduled.ScheduleId));
                Assert.True(string.IsNullOrEmpty(scheduled.MessageId), $"a scheduled send got message id {scheduled.MessageId} at once");
                var cancelled = await aliceClient.ScheduleAsync(bob, "never mind", at.AddSeconds(-1), clientMsgId: "sched-cancel", ct: ct);
                Assert.False(string.IsNullOrEmpty(cancelled.ScheduleId));
                Assert.NotEqual(scheduled.ScheduleId, cancelled.ScheduleId);

                var pending = await aliceClient.ListScheduledAsync(ct);
                Assert.Equal(
                    new[] { scheduled.ScheduleId, cancelled.ScheduleId }.Order(),
                    pending.Select(s => s.ScheduleId).Order());
                var listed = Assert.Single(pending, s => s.ScheduleId == scheduled.ScheduleId);
                Assert.Equal(bob, listed.To);
                Assert.Equal("see you later", listed.Text);
                Assert.Equal(at.ToUnixTimeMilliseconds(), listed.DeliverAtMs);

                await aliceClient.CancelScheduledAsync(cancelled.ScheduleId, ct);
                var left = await aliceClient.ListScheduledAsync(ct);
                Assert.Equal([scheduled.ScheduleId], left.Select(s => s.ScheduleId));
                var again = await Assert.ThrowsAsync<ImClientException>(() => aliceClient.CancelScheduledAsync(cancelled.ScheduleId, ct));
                Assert.Equal(ErrorCode.NotFound, again.Code);

                // Only the database remembers the schedule now.
                await cluster.Servers.KillCellAsync("a");
                await cluster.Servers.StartCellAsync("a", ct);
                output.WriteLine($"cell a restarted {(DateTimeOffset.UtcNow - at).TotalSeconds:0.0} s relative to the due time");

                var fired = await Wait.ForOneAsync(
                    bobClient.Messages, m => m.From == alice, "scheduled message at bob", TimeSpan.FromSeconds(60), ct);
                Assert.Equal("see you later", fired.Text);
                Assert.False(string.IsNullOrEmpty(fired.Id));
                Assert.True(fired.SentAtMs >= at.ToUnixTimeMilliseconds() - 1000,
                    $"sent_at_ms {fired.SentAtMs} is before the due time {at.ToUnixTimeMilliseconds()}");

                // The cancelled one was due a second earlier; give it 3 s more to show up wrongly.
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                var mailbox = await Wait.SyncAllAsync(bobClient, ct);
                Assert.Single(mailbox, m => m.Text == "see you later");
                Assert.DoesNotContain(mailbox, m => m.Text == "never mind");

                // Alice's client reconnected after the restart; her mailbox holds the sent copy and nothing is pending.
                await Wait.ConnectedAsync(aliceClient, Reconnect, ct);
                var own = await Wait.SyncAllAsync(aliceClient, ct);
                var sent = Assert.Single(own, m => m.Text == "see you later");
                Assert.Equal(fired.Id, sent.Id);
                Assert.DoesNotContain(own, m => m.Text == "never mind");
                Assert.Empty(await aliceClient.ListScheduledAsync(ct));
            });
        }
        finally
        {
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await cluster.Servers.EnsureRunningAsync(restore.Token);
        }
    }
}
