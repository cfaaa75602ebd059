using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 5: the recipient's home cell refuses a blocked sender's message (acknowledged, then
/// SendFailed) and never stores it in the recipient's mailbox; the same for "only friends" and a
/// non-friend. A blocked user cannot send friend requests either.
/// </summary>
[Collection("cluster")]
public sealed class BlockTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task BlockedSender_GetsSendFailedBlocked_MailboxUnchanged()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((alice, aliceClient), (bob, bobClient), (dave, daveClient)) = await users.ConnectAsync("alice@a", "bob@b", "dave@a");

            // Something in both mailboxes first, so "unchanged" is about a non-empty mailbox.
            await aliceClient.SendAsync(bob, "before the block", ct: ct);
            await aliceClient.SendAsync(dave, "before the block", ct: ct);
            await Receive.ExactlyAsync(bobClient.Messages, alice, 1, Delivery, ct);
            await Receive.ExactlyAsync(daveClient.Messages, alice, 1, Delivery, ct);

            // Across cells (alice a -> bob b) and within one (alice a -> dave a).
            foreach (var (recipient, cell) in new[] { (bobClient, "b"), (daveClient, "a") })
            {
                var blocked = await recipient.BlockAsync(alice, block: true, ct);
                Assert.True(blocked.Blocked);
                Assert.Contains(alice, (await recipient.FriendListAsync(ct)).Blocked);
                await AssertRefusedAsync(aliceClient, recipient, $"blocked by {recipient.UserId} (cell {cell})", ErrorCode.Blocked, ct);

                var request = await Assert.ThrowsAsync<ImClientException>(
                    () => aliceClient.RequestFriendAsync(recipient.UserId, "friends anyway?", ct));
                Assert.Equal(ErrorCode.Blocked, request.Code);
                output.WriteLine($"friend request to {recipient.UserId} (cell {cell}): {request.Code} '{request.Message}'");
                Assert.DoesNotContain((await aliceClient.FriendListAsync(ct)).Outgoing, r => r.User == recipient.UserId);
                Assert.DoesNotContain((await recipient.FriendListAsync(ct)).Incoming, r => r.User == alice);

                // Unblocked: messages flow again.
                Assert.False((await recipient.BlockAsync(alice, block: false, ct)).Blocked);
                Assert.DoesNotContain(alice, (await recipient.FriendListAsync(ct)).Blocked);
                var ack = await aliceClient.SendAsync(recipient.UserId, $"after the unblock in {cell}", ct: ct);
                var arrived = Assert.Single(await Receive.ExactlyAsync(recipient.Messages, alice, 1, Delivery, ct));
                Assert.Equal(ack.MessageId, arrived.Id);
                Assert.Equal("", arrived.FailedReason);
                var own = await OwnCopyAsync(aliceClient, recipient.UserId, ack.MessageId, ct);
                Assert.Equal("", own.FailedReason);
            }

            // "Only friends" at erin (b): frank (c) is refused with NOT_FRIENDS, her friend alice (a) is not.
            var ((erin, erinClient), (frank, frankClient)) = await users.ConnectAsync("erin@b", "frank@c");
            await Social.MakeFriendsAsync(aliceClient, erinClient, ct);
            Assert.True((await erinClient.SetOnlyFriendsAsync(true, ct)).OnlyFriends);

            await AssertRefusedAsync(frankClient, erinClient, "erin accepts friends only", ErrorCode.NotFriends, ct);
            var friendAck = await aliceClient.SendAsync(erin, "from a friend", ct: ct);
            var fromFriend = Assert.Single(await Receive.ExactlyAsync(erinClient.Messages, alice, 1, Delivery, ct));
            Assert.Equal(friendAck.MessageId, fromFriend.Id);

            // Off again: frank gets through.
            Assert.False((await erinClient.SetOnlyFriendsAsync(false, ct)).OnlyFriends);
            var frankAck = await frankClient.SendAsync(erin, "now?", ct: ct);
            var fromFrank = Assert.Single(await Receive.ExactlyAsync(erinClient.Messages, frank, 1, Delivery, ct));
            Assert.Equal(frankAck.MessageId, fromFrank.Id);
        });
    }

    /// <summary>
    /// <paramref name="sender"/>'s message to <paramref name="recipient"/> is acknowledged, then
    /// fails with <paramref name="code"/>; the recipient's mailbox is exactly what it was, and the
    /// sender's own copy carries the failure.
    /// </summary>
    private async Task AssertRefusedAsync(ImClient sender, ImClient recipient, string what, ErrorCode code, CancellationToken ct)
    {
        var mailboxBefore = await Wait.SyncAllAsync(recipient, ct);
        var headBefore = (await recipient.SyncAsync(0, 1, ct)).HeadSeq;

        var text = $"refused? ({what})";
        var ack = await sender.SendAsync(recipient.UserId, text, ct: ct);
        Assert.NotEqual("", ack.MessageId);
        var failed = await Wait.ForOneAsync(sender.Failures, f => f.MessageId == ack.MessageId,
            $"SendFailed for {ack.MessageId} ({what})", Delivery, ct);
        output.WriteLine($"{what}: acked {ack.MessageId} at seq {ack.Seq}, then SendFailed {failed.Code} '{failed.Reason}'");
        Assert.Equal(code, failed.Code);
        Assert.Equal(recipient.UserId, failed.To);

        var mailboxAfter = await Wait.SyncAllAsync(recipient, ct);
        var headAfter = (await recipient.SyncAsync(0, 1, ct)).HeadSeq;
        Assert.Equal(headBefore, headAfter);
        Assert.Equal(mailboxBefore.Select(m => (m.Seq, m.Id)), mailboxAfter.Select(m => (m.Seq, m.Id)));
        Assert.DoesNotContain(mailboxAfter, m => m.Id == ack.MessageId || m.Text == text);

        var own = await OwnCopyAsync(sender, recipient.UserId, ack.MessageId, ct);
        Assert.Equal(ack.Seq, own.Seq);
        Assert.False(string.IsNullOrEmpty(own.FailedReason), $"the sender's copy has no failed_reason: {own}");
    }

    /// <summary>The sender's own copy of <paramref name="messageId"/>, from its history with <paramref name="peer"/>.</summary>
    private static async Task<ChatMessage> OwnCopyAsync(ImClient sender, ulong peer, string messageId, CancellationToken ct)
    {
        var history = await sender.HistoryAsync(peer, ct: ct);
        return history.Messages.SingleOrDefault(m => m.Id == messageId)
            ?? throw new Xunit.Sdk.XunitException(
                $"{messageId} is not in {sender.UserId}'s history with {peer}: {string.Join(", ", history.Messages.Select(m => m.Id))}");
    }
}
