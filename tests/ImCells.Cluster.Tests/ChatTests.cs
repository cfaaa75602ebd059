using System.Net.Sockets;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

[Collection("cluster")]
public sealed class ChatTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task CrossCell_MessageArrivesLive()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((bob, bobClient), (alice, aliceClient)) = await users.ConnectAsync("bob@b", "alice@a");
            Assert.Equal("a", aliceClient.CellId);
            Assert.Equal("b", bobClient.CellId);

            var ack = await aliceClient.SendAsync(bob, "hi", ct: ct);

            var received = await Receive.ExactlyAsync(bobClient.Messages, alice, 1, Delivery, ct);
            var message = Assert.Single(received);
            Assert.Equal("hi", message.Text);
            Assert.Equal(bob, message.To);
            Assert.Equal(ack.MessageId, message.Id);
        });
    }

    [Fact]
    public async Task OfflineRecipient_GetsMessagesOnNextLogin()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (alice, bob) = await users.RegisterAsync("alice@a", "bob@b");
            string[] texts = ["one", "two", "three"];
            await using (var aliceClient = await users.ConnectAsync(users.Options(alice)))
            {
                foreach (var text in texts)
                {
                    await aliceClient.SendAsync(bob, text, ct: ct);
                }
            }

            var bobClient = await users.ConnectAsync(users.Options(bob));
            var received = await Receive.ExactlyAsync(bobClient.Messages, alice, texts.Length, Delivery, ct);

            Assert.Equal(texts, received.Select(m => m.Text));
            for (var i = 1; i < received.Count; i++)
            {
                Assert.Equal(received[i - 1].Seq + 1, received[i].Seq);
            }
        });
    }

    [Fact]
    public async Task WrongPasswordAndUnknownUser_FailTheSameWay()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            using var api = new LoginApi(cluster.Layout.LoginUrl);
            var ok = await api.LoginAsync(alice, TestUsers.Password, "t", ct);
            Assert.Equal(alice, ok.UserId);

            var wrongPassword = await Assert.ThrowsAsync<ImClientException>(() => api.LoginAsync(alice, "wrong", "t", ct));
            var unknownUser = await Assert.ThrowsAsync<ImClientException>(() => api.LoginAsync(10_999_999, TestUsers.Password, "t", ct));

            Assert.Equal(wrongPassword.Message, unknownUser.Message);
            Assert.Equal(wrongPassword.Code, unknownUser.Code);
            Assert.Equal(wrongPassword.GrpcStatus, unknownUser.GrpcStatus);
            output.WriteLine($"both refused with {wrongPassword.Code}/{wrongPassword.GrpcStatus}: {wrongPassword.Message}");

            var connect = await Assert.ThrowsAsync<ImClientException>(
                () => ImClient.ConnectAsync(new ImClientOptions { LoginUrl = cluster.Layout.LoginUrl, UserId = alice, Password = "wrong" }, ct));
            Assert.Contains(wrongPassword.Message, connect.Message);
        });
    }

    [Fact]
    public async Task UnknownRecipient_SenderGetsClearError()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (_, client) = await users.ConnectAsync("alice@a");

            // No cell owns the number: the sender's cell knows at once.
            var e = await Assert.ThrowsAsync<ImClientException>(() => client.SendAsync(99_999_999, "anyone?", ct: ct));
            Assert.Equal(ErrorCode.UnknownRecipient, e.Code);
            output.WriteLine($"99999999: {e.Code} {e.Message}");

            // An unregistered number in a cell's range: refused at once, or acknowledged and refused later.
            await AssertRefusedAsync(client, 11_999_999, ct);
            await AssertRefusedAsync(client, 10_999_998, ct);
        });
    }

    private async Task AssertRefusedAsync(ImClient client, ulong to, CancellationToken ct)
    {
        SendAck ack;
        try
        {
            ack = await client.SendAsync(to, "hello?", ct: ct);
        }
        catch (ImClientException e)
        {
            Assert.Equal(ErrorCode.UnknownRecipient, e.Code);
            output.WriteLine($"{to}: refused at once: {e.Code} {e.Message}");
            return;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(Delivery);
        SendFailed failed;
        try
        {
            failed = await client.Failures.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"send to unregistered {to} was acknowledged ({ack.MessageId}) and no SendFailed came within {Delivery.TotalSeconds:0} s");
        }

        output.WriteLine($"{to}: acknowledged, then SendFailed {failed.Code} {failed.Reason}");
        Assert.Equal(to, failed.To);
        Assert.Equal(ack.MessageId, failed.MessageId);
        Assert.Equal(ErrorCode.UnknownRecipient, failed.Code);
    }

    [Fact]
    public async Task SameCell_MessageDelivered()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var ((carol, carolClient), (alice, aliceClient)) = await users.ConnectAsync("carol@a", "alice@a");

            var ack = await aliceClient.SendAsync(carol, "hello neighbour", ct: ct);

            var received = Assert.Single(await Receive.ExactlyAsync(carolClient.Messages, alice, 1, Delivery, ct));
            Assert.Equal("hello neighbour", received.Text);
            Assert.Equal(ack.MessageId, received.Id);

            // The sender's mailbox holds its own sent message at the acknowledged seq.
            var own = Assert.Single(await Receive.ExactlyAsync(aliceClient.Messages, alice, 1, Delivery, ct));
            Assert.Equal(ack.Seq, own.Seq);
            Assert.Equal(carol, own.To);
        });
    }

    [Fact]
    public async Task GarbageOnChatPort_CellKeepsServing()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var random = new Random(42);
            var hugeLength = new byte[100];
            random.NextBytes(hugeLength);
            hugeLength[0] = 0x7F; // announces ~2 GB: refused as soon as the header is in
            var smallLength = new byte[100];
            random.NextBytes(smallLength);
            smallLength[0] = 0;
            smallLength[1] = 0;
            smallLength[2] = 0;
            smallLength[3] = 96; // a whole frame of garbage: malformed, or not the Auth the server needs first

            foreach (var garbage in new[] { hugeLength, smallLength })
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(cluster.Layout.ChatIPEndPoint("a"), ct);
                var stream = tcp.GetStream();
                await stream.WriteAsync(garbage, ct);
                var read = await ReadUntilClosedAsync(stream, ct);
                output.WriteLine($"server closed after sending {read} bytes back");
            }

            var ((carol, carolClient), (alice, aliceClient)) = await users.ConnectAsync("carol@a", "alice@a");
            await aliceClient.SendAsync(carol, "still here", ct: ct);
            var received = Assert.Single(await Receive.ExactlyAsync(carolClient.Messages, alice, 1, Delivery, ct));
            Assert.Equal("still here", received.Text);
        });
    }

    /// <summary>Reads until the server closes (or resets) the connection; at most 15 s.</summary>
    private static async Task<int> ReadUntilClosedAsync(NetworkStream stream, CancellationToken ct)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
        wait.CancelAfter(TimeSpan.FromSeconds(15));
        var buffer = new byte[4096];
        var total = 0;
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, wait.Token);
                if (n == 0)
                {
                    return total;
                }

                total += n;
            }
        }
        catch (IOException)
        {
            return total; // reset: closed just as well
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"the chat server kept a garbage connection open for 15 s (it sent {total} bytes)");
        }
    }
}
