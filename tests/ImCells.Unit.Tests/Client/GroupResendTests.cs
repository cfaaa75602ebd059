using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// A group send whose answer is lost is asked again with the same client_msg_id: after UNAVAILABLE
/// on the same connection, and after the connection is lost, on the one the reconnect loop brings.
/// A refusal is final.
/// </summary>
public sealed class GroupResendTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unavailable_AskedAgainWithTheSameId()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start();
        await using var client = await server.ConnectClientAsync(ct);

        var sending = client.SendGroupAsync(90_000_001, "hello all", ct: ct);
        var first = await server.NextRequestAsync(ct);
        await server.ReplyAsync(first, Error(ErrorCode.Unavailable));
        var second = await server.NextRequestAsync(ct);
        await server.ReplyAsync(second, new Frame { GroupSendAck = new GroupSendAck { Group = 90_000_001, Seq = 7, MessageId = "m7" } });

        Assert.Equal(7UL, (await sending.WaitAsync(ct)).Seq);
        Assert.NotEmpty(first.GroupSend.ClientMsgId);
        Assert.Equal(first.GroupSend, second.GroupSend);
    }

    [Fact]
    public async Task ConnectionLost_AskedAgainOnTheNextConnection()
    {
        using var cts = new CancellationTokenSource(Bound);
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

    [Fact]
    public async Task Forbidden_IsNotAskedAgain()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start();
        await using var client = await server.ConnectClientAsync(ct);

        var sending = client.SendGroupAsync(90_000_001, "let me in", ct: ct);
        await server.ReplyAsync(await server.NextRequestAsync(ct), Error(ErrorCode.Forbidden));

        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<ImClientException>(() => sending)).Code);
        Assert.Empty(server.PendingRequests());
    }

    [Fact]
    public async Task ConnectionLost_WithoutReconnect_FailsAtOnce()
    {
        using var cts = new CancellationTokenSource(Bound);
        var ct = cts.Token;
        await using var server = FakeChatServer.Start();
        await using var client = await server.ConnectClientAsync(ct);

        var sending = client.SendGroupAsync(90_000_001, "anyone?", ct: ct);
        await server.NextRequestAsync(ct);
        await server.DisposeAsync();

        Assert.Equal(ErrorCode.Unavailable, (await Assert.ThrowsAsync<ImClientException>(() => sending)).Code);
    }

    private static Frame Error(ErrorCode code) => new() { Error = new Error { Code = code, Message = code.ToString() } };
}
