using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// DESIGN.md §6: every device ends with the same mailbox; a resend is one message. (That the client
/// fills a gap in pushed seqs with Sync is tested against a scripted server: Unit.Tests/Client.)
/// </summary>
[Collection("cluster")]
public sealed class DeliveryTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    // How long the cell may take to commit a send whose connection has already hung up.
    private static readonly TimeSpan FirstCommitBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task TwoDevices_OneOfflineOneOnline_EndWithSameMessagesInOrder()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            const int count = 20;
            var ((bob, phone), (alice, aliceDesk), (_, aliceTablet)) = await users.ConnectAsync("bob@b/phone", "alice@a/desk", "alice/tablet");

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
            var laptop = await users.ConnectAsync(users.Options(bob, "laptop"));
            var onLaptop = await Receive.ExactlyAsync(laptop.Messages, alice, count, Delivery, ct);
            Assert.Equal(onPhone.Select(m => (m.Id, m.Seq, m.Text)), onLaptop.Select(m => (m.Id, m.Seq, m.Text)));
            output.WriteLine($"bob's phone and laptop both hold seqs {onPhone[0].Seq}..{onPhone[^1].Seq}");

            // Alice's own second device sees what she sent, at the seqs the acks named.
            var onTablet = await Receive.ExactlyAsync(aliceTablet.Messages, alice, count, Delivery, ct);
            Assert.Equal(texts, onTablet.Select(m => m.Text));
            Assert.Equal(acks.Select(a => (a.MessageId, a.Seq)), onTablet.Select(m => (m.Id, m.Seq)));
            Assert.All(onTablet, m => Assert.Equal(bob, m.To));
            Wait.AssertDense(onTablet);
        });
    }

    /// <summary>
    /// The sender's connection dies after its Send is on the wire and before the SendAck is read:
    /// a second device of alice's sends on a raw connection and hangs up at once. alice resends with
    /// the same client_msg_id; bob ends with the message once, and if the first attempt was committed
    /// the resend is answered with that message's id.
    /// </summary>
    [Theory]
    [InlineData("b")]
    [InlineData("a")]
    public async Task SendThenHangUpBeforeAck_ResendWithSameIdDeliversOnce(string recipientCell)
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            const string text = "once";
            const string clientMsgId = "k-once";
            var ((bob, bobClient), (alice, aliceClient)) = await users.ConnectAsync($"bob@{recipientCell}", "alice@a");

            var (raw, _) = await RawChatConnection.AuthenticateAsync(cluster.Layout.LoginUrl, alice, TestUsers.Password, "raw", ct);
            using (raw)
            {
                await raw.WriteAsync(new Frame { Seq = 2, Send = new SendRequest { To = bob, Text = text, ClientMsgId = clientMsgId } }, ct);
            }

            // A committed send reaches every device of alice's as her own copy; the cell may also have dropped it.
            var (first, _) = await Wait.ForAsync(aliceClient.Messages, m => m.Text == text, FirstCommitBound, ct);
            output.WriteLine(first is null
                ? $"the first attempt was not committed within {FirstCommitBound.TotalSeconds:0} s"
                : $"the first attempt was committed as {first.Id} at alice's seq {first.Seq}");

            var ack = await aliceClient.SendAsync(bob, text, clientMsgId: clientMsgId, ct: ct);
            Assert.False(string.IsNullOrEmpty(ack.MessageId));
            if (first is not null)
            {
                Assert.Equal((first.Id, first.Seq), (ack.MessageId, ack.Seq));
            }

            // Anything either attempt produced is ordered before this one (one sender, one recipient).
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
        });
    }
}
