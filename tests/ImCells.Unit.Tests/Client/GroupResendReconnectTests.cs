using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// A group send whose connection is lost before the answer is asked again, with the same
/// client_msg_id, on the connection the reconnect loop brings (here: to another chat server).
/// </summary>
public sealed class GroupResendReconnectTests
{
    [Fact]
    public async Task ConnectionLost_AskedAgainOnTheNextConnection()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var ct = cts.Token;
        await using var lost = FakeChatServer.Start();
        await using var next = FakeChatServer.Start();
        var logins = 0;
        // Expiring within the client's margin: every (re)connect logs in again and is sent to the next server.
        Task<LoginResult> LogIn(CancellationToken _) => Task.FromResult(new LoginResult(
            lost.UserId, "token", "fake", [Interlocked.Increment(ref logins) == 1 ? lost.Endpoint : next.Endpoint],
            DateTimeOffset.UtcNow.AddSeconds(30), "tester"));
        await using var client = await ImClient.ConnectAsync(
            new ImClientOptions { LoginUrl = "http://unused", UserId = lost.UserId, Password = "pw", DeviceId = "test" }, LogIn, ct);

        var sending = client.SendGroupAsync(90_000_001, "hello all", "k-1", ct);
        var first = await lost.NextRequestAsync(ct);
        await lost.DisposeAsync();

        var second = await next.NextRequestAsync(ct);
        await next.ReplyAsync(second, new Frame { GroupSendAck = new GroupSendAck { Group = 90_000_001, Seq = 3, MessageId = "m3" } });

        Assert.Equal("m3", (await sending.WaitAsync(ct)).MessageId);
        Assert.Equal(("k-1", "k-1"), (first.GroupSend.ClientMsgId, second.GroupSend.ClientMsgId));
        Assert.Equal(1, client.Reconnects);
    }
}
