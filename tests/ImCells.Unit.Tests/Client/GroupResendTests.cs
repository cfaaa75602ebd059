using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>
/// A group send whose answer is lost is asked again with the same client_msg_id when the server
/// says UNAVAILABLE; a refusal is final, and so is a lost connection when no reconnect will come.
/// </summary>
public sealed class GroupResendTests : ConnectedClientTest
{
    [Fact]
    public async Task Unavailable_AskedAgainWithTheSameId()
    {
        var sending = Client.SendGroupAsync(90_000_001, "hello all", ct: Ct);
        var first = await Server.NextRequestAsync(Ct);
        await Server.ReplyAsync(first, Error(ErrorCode.Unavailable));
        var second = await Server.NextRequestAsync(Ct);
        await Server.ReplyAsync(second, new Frame { GroupSendAck = new GroupSendAck { Group = 90_000_001, Seq = 7, MessageId = "m7" } });

        Assert.Equal(7UL, (await sending.WaitAsync(Ct)).Seq);
        Assert.NotEmpty(first.GroupSend.ClientMsgId);
        Assert.Equal(first.GroupSend, second.GroupSend);
    }

    [Fact]
    public async Task Forbidden_IsNotAskedAgain()
    {
        var sending = Client.SendGroupAsync(90_000_001, "let me in", ct: Ct);
        await Server.ReplyAsync(await Server.NextRequestAsync(Ct), Error(ErrorCode.Forbidden));

        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<ImClientException>(() => sending)).Code);
        Assert.Empty(Server.PendingRequests());
    }

    [Fact]
    public async Task ConnectionLost_WithoutReconnect_FailsAtOnce()
    {
        var sending = Client.SendGroupAsync(90_000_001, "anyone?", ct: Ct);
        await Server.NextRequestAsync(Ct);
        await Server.DisposeAsync();

        Assert.Equal(ErrorCode.Unavailable, (await Assert.ThrowsAsync<ImClientException>(() => sending)).Code);
    }

    private static Frame Error(ErrorCode code) => new() { Error = new Error { Code = code, Message = code.ToString() } };
}
