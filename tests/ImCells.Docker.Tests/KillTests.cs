using Xunit.Abstractions;

namespace ImCells.Docker.Tests;

/// <summary>
/// `docker kill` of cell containers while carol (cell a) sends dave (cell c) 300 messages: first
/// the sender's own cell a (which holds what it acknowledged), then the receiver's cell c; each
/// is started again. The sender resends what got no ack with the same id; nothing acknowledged is
/// lost, nothing arrives twice or out of order.
/// </summary>
[Collection("docker")]
public sealed class KillTests(DockerCluster cluster, ITestOutputHelper output)
{
    private const int Messages = 300;

    [Fact]
    public Task KillSendersAndReceiversCells_NothingAcknowledgedLost() =>
        cluster.RunAsync(output, TimeSpan.FromMinutes(5), async ct =>
        {
            var carol = await cluster.RegisterAsync("carol", "a");
            var dave = await cluster.RegisterAsync("dave", "c");
            await using var receiver = cluster.Driver("receive", dave, "--from", $"{carol}", "--tag", "k", "--count", $"{Messages}", "--timeout-seconds", "240");
            await receiver.WaitForAsync("connected", PartitionTests.Is("connected"), TimeSpan.FromSeconds(60), ct);
            await using var sender = cluster.Driver("send", carol, "--to", $"{dave}", "--tag", "k", "--count", $"{Messages}", "--pace-ms", "20");

            var kills = new List<string>();
            foreach (var (host, threshold) in new[] { ("cell-a", 100), ("cell-c", 200) })
            {
                await sender.WaitForAsync($"{threshold} acks", e => PartitionTests.Is("ack")(e) && e.GetProperty("acked").GetInt32() >= threshold,
                    TimeSpan.FromSeconds(120), ct);
                var atKill = sender.Events("ack").Count;
                Assert.Empty(sender.Events("done"));
                var down = System.Diagnostics.Stopwatch.StartNew();
                await cluster.KillAsync(host);
                await cluster.RestartAsync(host);
                kills.Add($"killed {host} at acked={atKill}, serving again {down.Elapsed.TotalSeconds:0.0} s later");
            }

            var senderDone = await sender.DoneAsync(TimeSpan.FromSeconds(180), ct);
            var receiverDone = await receiver.DoneAsync(TimeSpan.FromSeconds(200), ct);
            var check = DeliveryCheck.Of(senderDone, receiverDone);
            kills.ForEach(output.WriteLine);
            output.WriteLine($"kill: {check} retried={senderDone.GetProperty("retried").GetInt32()} "
                             + $"send errors {senderDone.GetProperty("errors")} receiver reconnects {receiverDone.GetProperty("reconnects").GetInt32()}");
            check.AssertExactlyOnceInOrder(Messages);
        });
}
