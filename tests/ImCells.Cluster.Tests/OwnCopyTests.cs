using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 14: the device that sent a message gets its SendAck (own_copy_in_ack) instead of a
/// NewMessage of its own copy; the sender's other devices still get the push, and the client
/// library surfaces the sent message from the ack, in seq order.
/// </summary>
[Collection("cluster")]
public sealed class OwnCopyTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public async Task SendingDevice_GetsTheAckInsteadOfItsCopy_OtherDevicesGetThePush(string recipientCell)
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((bob, bobPhone), (alice, aliceDesk), (_, aliceTablet)) = await users.ConnectAsync($"bob@{recipientCell}", "alice@a/desk", "alice/tablet");

            var (raw, _) = await RawChatConnection.AuthenticateAsync(cluster.Layout.LoginUrl, alice, TestUsers.Password, "raw", ct);
            using (raw)
            {
                await raw.WriteAsync(new Frame { Seq = 2, Send = new SendRequest { To = bob, Text = "from raw", ClientMsgId = "own-copy-raw" } }, ct);
                // A copy pushed to this device would leave before the ack (the push runs right after the commit):
                // every frame up to the Pong after the ack is checked.
                var frames = new List<Frame>();
                SendAck? ack = null;
                while (true)
                {
                    var frame = await raw.ReadAsync(ct) ?? throw new InvalidOperationException("the cell closed the raw connection");
                    frames.Add(frame);
                    if (frame.BodyCase == Frame.BodyOneofCase.SendAck && frame.Seq == 2)
                    {
                        ack = frame.SendAck;
                        await raw.WriteAsync(new Frame { Seq = 3, Ping = new Ping() }, ct);
                    }

                    if (frame.BodyCase == Frame.BodyOneofCase.Pong)
                    {
                        break;
                    }
                }

                Assert.NotNull(ack);
                Assert.True(ack.OwnCopyInAck);
                Assert.DoesNotContain(frames, f => f.BodyCase == Frame.BodyOneofCase.NewMessage && f.NewMessage.Message.Id == ack.MessageId);
                output.WriteLine($"raw device: {frames.Count} frames up to the Pong, none a copy of {ack.MessageId} (seq {ack.Seq})");

                // The other devices of alice's, and bob, get it pushed.
                var onTablet = await Receive.ExactlyAsync(aliceTablet.Messages, alice, 1, Delivery, ct);
                Assert.Equal((ack.MessageId, ack.Seq), (onTablet[0].Id, onTablet[0].Seq));
                var onPhone = await Receive.ExactlyAsync(bobPhone.Messages, alice, 1, Delivery, ct);
                Assert.Equal(ack.MessageId, onPhone[0].Id);
            }

            // The client library surfaces its own sent message from the ack, after the raw one, densely.
            var deskAck = await aliceDesk.SendAsync(bob, "from desk", clientMsgId: "own-copy-desk", ct: ct);
            Assert.True(deskAck.OwnCopyInAck);
            var onDesk = await Receive.ExactlyAsync(aliceDesk.Messages, alice, 2, Delivery, ct);
            Assert.Equal(["from raw", "from desk"], onDesk.Select(m => m.Text));
            Assert.Equal(deskAck.Seq, onDesk[1].Seq);
            Assert.Equal(bob, onDesk[1].To);
            Wait.AssertDense(onDesk);
        });
    }
}
