using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>DESIGN.md §6: every device ends with the same mailbox; gaps are filled; a resend is one message.</summary>
[Collection("cluster")]
public sealed class DeliveryTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(30);
    private const string Password = "correct horse";

    [Fact]
    public async Task TwoDevices_OneOfflineOneOnline_EndWithSameMessagesInOrder()
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        await cluster.RunAsync(output, async () =>
        {
            const int count = 20;
            var alice = await cluster.RegisterAsync("alice", Password, "a", ct);
            var bob = await cluster.RegisterAsync("bob", Password, "b", ct);
            await using var phone = await ImClient.ConnectAsync(cluster.Options(bob, Password, "phone"), ct);
            await using var aliceDesk = await ImClient.ConnectAsync(cluster.Options(alice, Password, "desk"), ct);
            await using var aliceTablet = await ImClient.ConnectAsync(cluster.Options(alice, Password, "tablet"), ct);
            await phone.WaitCaughtUpAsync(ct);
            await aliceTablet.WaitCaughtUpAsync(ct);

            var acks = new List<SendAck>();
            for (var i = 0; i < count; i++)
            {
                acks.Add(await aliceDesk.SendAsync(bob, $"m{i}", clientMsgId: $"two-devices-{i}", ct: ct));
            }

            var texts = Enumerable.Range(0, count).Select(i => $"m{i}").ToList();
            var onPhone = await Receive.ExactlyAsync(phone.Messages, alice, count, Delivery, ct);
            Assert.Equal(texts, onPhone.Select(m => m.Text));
            Assert.Equal(acks.Select(a => a.MessageId), onPhone.Select(m => m.Id));
            Assert.All(onPhone, m => Assert.Equal(bob, m.To));
            Wait.AssertDense(onPhone);

            // The laptop was never online: it starts from seq 0 and must end with the very same list.
            await using var laptop = await ImClient.ConnectAsync(cluster.Options(bob, Password, "laptop"), ct);
            var onLaptop = await Receive.ExactlyAsync(laptop.Messages, alice, count, Delivery, ct);
            Assert.Equal(onPhone.Select(m => (m.Id, m.Seq, m.Text)), onLaptop.Select(m => (m.Id, m.Seq, m.Text)));
            output.WriteLine($"bob's phone and laptop both hold seqs {onPhone[0].Seq}..{onPhone[^1].Seq}");

            // Alice's own second device sees what she sent, at the seqs the acks named.
            var onTablet = await Receive.ExactlyAsync(aliceTablet.Messages, alice, count, Delivery, ct);
            Assert.Equal(texts, onTablet.Select(m => m.Text));
            Assert.Equal(acks.Select(a => (a.MessageId, a.Seq)), onTablet.Select(m => (m.Id, m.Seq)));
            Assert.All(onTablet, m => Assert.Equal(bob, m.To));
            Wait.AssertDense(onTablet);
        }, ct);
    }

    [Fact]
    public async Task DroppedNotify_ClientFillsGapBySync()
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        await cluster.RunAsync(output, async () =>
        {
            var alice = await cluster.RegisterAsync("alice", Password, "a", ct);
            var bob = await cluster.RegisterAsync("bob", Password, "b", ct);
            await using var bobClient = await ImClient.ConnectAsync(cluster.Options(bob, Password), ct);
            await using var aliceClient = await ImClient.ConnectAsync(cluster.Options(alice, Password), ct);
            await bobClient.WaitCaughtUpAsync(ct);

            var first = await aliceClient.SendAsync(bob, $"x1 {ClusterFixture.DropNotifyMarker}", ct: ct);
            var second = await aliceClient.SendAsync(bob, "x2", ct: ct);

            var received = await Receive.ExactlyAsync(bobClient.Messages, alice, 2, Delivery, ct);
            Assert.Equal([$"x1 {ClusterFixture.DropNotifyMarker}", "x2"], received.Select(m => m.Text));
            Assert.Equal([first.MessageId, second.MessageId], received.Select(m => m.Id));
            Wait.AssertDense(received);

            // The hook is on: a dropped message that nothing follows is in the mailbox but not on the stream ...
            var third = await aliceClient.SendAsync(bob, $"x3 {ClusterFixture.DropNotifyMarker}", ct: ct);
            var stored = await Wait.UntilAsync(
                async () => (await bobClient.SyncAsync(received[^1].Seq, ct: ct)).Messages.Any(m => m.Id == third.MessageId),
                Delivery, ct);
            Assert.True(stored, $"x3 ({third.MessageId}) never reached bob's mailbox");
            var (pushed, _) = await Wait.ForAsync(bobClient.Messages, m => m.From == alice, TimeSpan.FromSeconds(1), ct);
            Assert.True(pushed is null, $"the cell pushed '{pushed?.Text}' although its text holds the drop marker");

            // ... until the next push reveals the gap.
            var fourth = await aliceClient.SendAsync(bob, "x4", ct: ct);
            var later = await Receive.ExactlyAsync(bobClient.Messages, alice, 2, Delivery, ct);
            Assert.Equal([third.MessageId, fourth.MessageId], later.Select(m => m.Id));
            Assert.Equal(received[^1].Seq + 1, later[0].Seq);
            Wait.AssertDense(later);

            // Filled by Sync on the live connection, not by a reconnect.
            Assert.Equal(0, bobClient.Reconnects);
            output.WriteLine($"bob got seqs {string.Join(", ", received.Concat(later).Select(m => m.Seq))} with 0 reconnects");
        }, ct);
    }

    [Theory]
    [InlineData("b")]
    [InlineData("a")]
    public async Task ConnectionDiesBeforeSendAck_ResendDeliversOnce(string recipientCell)
    {
        using var cts = new CancellationTokenSource(TestBound);
        var ct = cts.Token;
        await cluster.RunAsync(output, async () =>
        {
            var text = $"once {ClusterFixture.DropAckMarker}";
            var alice = await cluster.RegisterAsync("alice", Password, "a", ct);
            var bob = await cluster.RegisterAsync("bob", Password, recipientCell, ct);
            await using var bobClient = await ImClient.ConnectAsync(cluster.Options(bob, Password), ct);
            await using var aliceClient = await ImClient.ConnectAsync(cluster.Options(alice, Password), ct);
            await bobClient.WaitCaughtUpAsync(ct);
            await aliceClient.WaitCaughtUpAsync(ct);

            var lost = await Record.ExceptionAsync(() => aliceClient.SendAsync(bob, text, clientMsgId: "k-once", ct: ct));
            Assert.True(lost is TimeoutException or ImClientException { Code: ErrorCode.Unavailable },
                lost is null
                    ? "the first send was acknowledged: the cell's drop-ack hook is off"
                    : $"the first send failed with {lost.GetType().Name}: {lost.Message}");
            output.WriteLine($"first attempt: {lost!.GetType().Name}: {lost.Message}");

            await Wait.ConnectedAsync(aliceClient, Reconnect, ct);
            var ack = await aliceClient.SendAsync(bob, text, clientMsgId: "k-once", ct: ct);
            Assert.False(string.IsNullOrEmpty(ack.MessageId));

            // Anything the first attempt produced is ordered before this one (one sender, one recipient).
            var after = await aliceClient.SendAsync(bob, "after", ct: ct);
            var received = await Receive.FromAsync(
                bobClient.Messages, alice, r => r.Any(m => m.Id == after.MessageId), Delivery, ct);
            Assert.Contains(received, m => m.Id == after.MessageId);
            var once = Assert.Single(received, m => m.Text == text);
            Assert.Equal(ack.MessageId, once.Id);

            var bobMailbox = await Wait.SyncAllAsync(bobClient, ct);
            Assert.Single(bobMailbox, m => m.Text == text);
            var aliceMailbox = await Wait.SyncAllAsync(aliceClient, ct);
            var own = Assert.Single(aliceMailbox, m => m.Text == text);
            Assert.Equal((ack.MessageId, ack.Seq), (own.Id, own.Seq));
            output.WriteLine($"resend acked {ack.MessageId} at alice's seq {ack.Seq}; bob holds it once at seq {once.Seq}");
        }, ct);
    }
}
