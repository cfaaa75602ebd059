using System.Diagnostics;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>Issue 7: a cell with two chat servers, etcd discovery, started by `imcells up`.</summary>
[Collection("up-cluster")]
public sealed class ChatServerTests(UpClusterFixture cluster, ITestOutputHelper output)
{

    [Fact]
    public async Task ChatServerHoldingBobKilled_BobReconnectsAndLosesNothing_UpRestartsIt()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var ct = cts.Token;
        await using var users = new TestUsers(cluster.LoginUrls, ct, cluster.Ca);
        await RunAsync(async () =>
        {
            using var api = new LoginApi(cluster.LoginUrls, cluster.Ca);
            var bob = await users.RegisterAsync("bob@a");

            // Both chat servers of cell a are registered in etcd, so login hands out both.
            Assert.True(await Wait.UntilAsync(async () => (await api.LoginAsync(bob, TestUsers.Password, "probe", ct)).ChatEndpoints.Count == 2,
                TimeSpan.FromSeconds(20), ct), "cell a's two chat servers never both showed in discovery");

            // bob must sit on the extra chat server: log in until it is handed out first (least loaded first).
            var (alice, aliceClient) = await users.ConnectAsync("alice@a");
            ImClient? bobClient = null;
            for (var attempt = 0; attempt < 40 && bobClient is null; attempt++)
            {
                var login = await api.LoginAsync(bob, TestUsers.Password, "phone", ct);
                if (login.ChatEndpoints[0] == cluster.ChatA1)
                {
                    bobClient = await users.ConnectAsync(users.Options(bob, "phone"));
                }
                else
                {
                    await Task.Delay(500, ct);
                }
            }

            Assert.NotNull(bobClient);
            var where = await api.WhereAsync(bob, (await api.LoginAsync(bob, TestUsers.Password, "probe", ct)).Token, ct);
            Assert.Contains(where.Devices, d => d.ServingCell == "a#1" && d.ChatEndpoint == cluster.ChatA1);

            var chatServer = cluster.PidOf("--cell a", "--chat-server 1");
            Assert.NotEqual(0, chatServer);
            using (var victim = Process.GetProcessById(chatServer))
            {
                victim.Kill();
                await victim.WaitForExitAsync(ct);
            }

            // alice may have sat on the killed chat server too: resend with the same id until acknowledged.
            var sent = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                await SendReliablyAsync(aliceClient, bob, $"while down {i}", $"down-{i}", ct);
                sent.Add($"while down {i}");
            }

            // `up` starts it again (same ports); bob's client reconnects to whichever chat server login hands out.
            Assert.True(await Wait.UntilAsync(() => Task.FromResult(cluster.Logs().Contains("[up] chat a#1 restarted", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30), ct), "up did not restart the killed chat server");
            var received = new List<ChatMessage>();
            while (received.Count < sent.Count)
            {
                received.Add(await Wait.ForOneAsync(bobClient!.Messages, m => m.From == alice, "messages sent while the chat server was down", TimeSpan.FromSeconds(30), ct));
            }

            Assert.Equal(sent, received.Select(m => m.Text));
            Assert.True(bobClient!.Reconnects >= 1);
            Assert.Contains((await api.WhereAsync(bob, (await api.LoginAsync(bob, TestUsers.Password, "probe", ct)).Token, ct)).Devices,
                d => d.DeviceId == "phone" && d.ServingCell is "a" or "a#1");
            output.WriteLine($"bob reconnected {bobClient.Reconnects} time(s) and received {received.Count} messages in order");
        });
    }

    private static async Task SendReliablyAsync(ImClient client, ulong to, string text, string clientMsgId, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.SendAsync(to, text, clientMsgId, ct);
                return;
            }
            catch (Exception e) when (e is ImClientException { Code: ErrorCode.Unavailable } or TimeoutException && attempt < 60)
            {
                await Wait.ConnectedAsync(client, TimeSpan.FromSeconds(30), ct);
            }
        }
    }

    private async Task RunAsync(Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            output.WriteLine(cluster.Logs());
            throw;
        }
    }
}
