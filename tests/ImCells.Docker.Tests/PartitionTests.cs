using System.Text.Json;
using Xunit.Abstractions;

namespace ImCells.Docker.Tests;

/// <summary>
/// Cell b's host leaves the network while alice (cell a) sends bob (cell b) 500 messages: cell a
/// acknowledges them and keeps them for b; bob's device loses its connection. When b is back,
/// every acknowledged message reaches bob once, in order. Meanwhile alice sees bob go offline
/// within the heartbeat timeout (cell b's presence reports stop, and cell a trusts them for three
/// heartbeats), and online again after the healing.
/// </summary>
[Collection("docker")]
public sealed class PartitionTests(DockerCluster cluster, ITestOutputHelper output)
{
    private const int Messages = 500;
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(3 * DockerCluster.HeartbeatSeconds);

    [Fact]
    public Task CellBPartitioned_AckedMessagesArriveOnceInOrder_PresenceFollows() =>
        cluster.RunAsync(output, TimeSpan.FromMinutes(5), async ct =>
        {
            var alice = await cluster.RegisterAsync("alice", "a");
            var bob = await cluster.RegisterAsync("bob", "b");
            await cluster.UserCliAsync("friends", "add", "--user", $"{alice}", "--password", DockerCluster.Password, "--to", $"{bob}");
            await cluster.UserCliAsync("friends", "accept", "--user", $"{bob}", "--password", DockerCluster.Password, "--from", $"{alice}");

            await using var receiver = cluster.Driver("receive", bob, "--from", $"{alice}", "--tag", "p", "--count", $"{Messages}", "--timeout-seconds", "240");
            await receiver.WaitForAsync("connected", Is("connected"), TimeSpan.FromSeconds(60), ct);
            await using var watcher = cluster.Driver("presence", alice, "--watch", $"{bob}", "--seconds", "240");
            await watcher.WaitForAsync("bob online", Presence("Online"), TimeSpan.FromSeconds(60), ct);

            // 500 messages, 20 ms apart: b is cut off after the first 100 are acknowledged.
            await using var sender = cluster.Driver("send", alice, "--to", $"{bob}", "--tag", "p", "--count", $"{Messages}", "--pace-ms", "20");
            await sender.WaitForAsync("100 acks", e => Is("ack")(e) && e.GetProperty("acked").GetInt32() >= 100, TimeSpan.FromSeconds(120), ct);
            var cut = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await cluster.DisconnectAsync("cell-b");
            var cutAt = AckedSoFar(sender);

            var offline = await watcher.WaitForAsync("bob offline", Presence("Offline"), TimeSpan.FromSeconds(60), ct);
            var senderDone = await sender.DoneAsync(TimeSpan.FromSeconds(150), ct);
            var receivedWhileCut = receiver.Events("done").Count == 0 ? "not finished" : "finished (wrong)";

            var heal = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await cluster.ReconnectAsync("cell-b");
            var online = await watcher.WaitForAsync("bob online again", e => Presence("Online")(e) && e.GetProperty("at").GetInt64() > heal,
                TimeSpan.FromSeconds(90), ct);
            var receiverDone = await receiver.DoneAsync(TimeSpan.FromSeconds(200), ct);

            var check = DeliveryCheck.Of(senderDone, receiverDone);
            var offlineAfter = TimeSpan.FromMilliseconds(offline.GetProperty("at").GetInt64() - cut);
            var onlineAfter = TimeSpan.FromMilliseconds(online.GetProperty("at").GetInt64() - heal);
            output.WriteLine($"partition of cell b at acked={cutAt}, healed {TimeSpan.FromMilliseconds(heal - cut).TotalSeconds:0.0} s later "
                             + $"(receiver while cut: {receivedWhileCut}; reconnects {receiverDone.GetProperty("reconnects").GetInt32()})");
            output.WriteLine($"partition: {check} retried={senderDone.GetProperty("retried").GetInt32()}");
            output.WriteLine($"partition: bob offline at cell a {offlineAfter.TotalSeconds:0.0} s after the cut (heartbeat timeout "
                             + $"{HeartbeatTimeout.TotalSeconds:0} s), online again {onlineAfter.TotalSeconds:0.0} s after healing");

            check.AssertExactlyOnceInOrder(Messages);
            Assert.True(cutAt < Messages, "every message was acknowledged before the cut: the partition tested nothing");
            // The presence TTL is the heartbeat timeout; the expiry runs every 0.5 s and the last
            // report may have been sent up to one interval before the cut. 2 s for a loaded machine.
            Assert.True(offlineAfter <= HeartbeatTimeout + TimeSpan.FromSeconds(2),
                $"bob turned offline at cell a {offlineAfter.TotalSeconds:0.0} s after the cut, later than the heartbeat timeout");
        });

    internal static Func<JsonElement, bool> Is(string name) => e => e.GetProperty("event").GetString() == name;

    private static Func<JsonElement, bool> Presence(string presence) =>
        e => Is("presence")(e) && e.GetProperty("presence").GetString() == presence;

    private static int AckedSoFar(DriverRun sender) =>
        sender.Events("ack").Select(e => e.GetProperty("acked").GetInt32()).DefaultIfEmpty(0).Max();
}
