using System.Globalization;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 12, keys and tokens: a user ends one device's sessions, or every device's. The device's
/// connections close (Kicked, no reconnect), every token issued for it before then is refused at
/// its home cell, the user's other devices carry on, and logging in again works.
/// </summary>
[Collection("cluster")]
public sealed class LogoutTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task LogoutOfOneDevice_ClosesIt_RefusesItsOldToken_OtherDeviceCarriesOn_LoginAgainWorks()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            var (bob, bobClient) = await users.ConnectAsync("bob@b");
            using var api = new LoginApi(cluster.Layout.LoginUrl);
            var oldToken = await api.LoginAsync(alice, TestUsers.Password, "one", ct);
            var one = await users.ConnectAsync(users.Options(alice, "one"));
            var two = await users.ConnectAsync(users.Options(alice, "two"));

            var ok = await two.LogoutAsync("one", ct);
            output.WriteLine($"logout of device one: {ok}");
            Assert.Equal(1u, ok.SessionsEnded);

            await ClosedForGoodAsync(one, ct);
            await AssertRefusedAsync(oldToken, "one", ct);

            // Device two carries on: it sends, and it still receives.
            var sent = await two.SendAsync(bob, "still here", ct: ct);
            Assert.Equal(sent.MessageId, Assert.Single(await Receive.ExactlyAsync(bobClient.Messages, alice, 1, Delivery, ct)).Id);
            await bobClient.SendAsync(alice, "hi two", ct: ct);
            Assert.Equal("hi two", Assert.Single(await Receive.ExactlyAsync(two.Messages, bob, 1, Delivery, ct)).Text);
            Assert.Equal(["two"], (await cluster.Api.WhereAsync(alice, ct)).Devices.Select(d => d.DeviceId));

            // A fresh login of device one gets a newer token, which passes.
            var again = await users.ConnectAsync(users.Options(alice, "one"));
            await again.SendAsync(bob, "one is back", ct: ct);
            Assert.Equal("one is back", Assert.Single(await Receive.ExactlyAsync(bobClient.Messages, alice, 1, Delivery, ct)).Text);
        });
    }

    [Fact]
    public async Task CliLogoutAll_EndsEveryDevice_AndLoggingInAgainWorks()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            using var api = new LoginApi(cluster.Layout.LoginUrl);
            var oldOne = await api.LoginAsync(alice, TestUsers.Password, "one", ct);
            var oldTwo = await api.LoginAsync(alice, TestUsers.Password, "two", ct);
            var one = await users.ConnectAsync(users.Options(alice, "one"));
            var two = await users.ConnectAsync(users.Options(alice, "two"));

            var (exit, text) = await cluster.Cli.RunAsync("cli logout --all", CliBound, ct,
                "logout", "--user", alice.ToString(CultureInfo.InvariantCulture), "--password", TestUsers.Password, "--all",
                "--login", cluster.Layout.LoginUrl);
            output.WriteLine($"imcells logout --all: exit {exit}: {text}");

            Assert.Equal(0, exit);
            // Both devices and the command's own connection (device "cli").
            Assert.Equal("logged out every device: 3 session(s) ended", text.Trim());
            await ClosedForGoodAsync(one, ct);
            await ClosedForGoodAsync(two, ct);
            await AssertRefusedAsync(oldOne, "one", ct);
            await AssertRefusedAsync(oldTwo, "two", ct);
            Assert.Empty((await cluster.Api.WhereAsync(alice, ct)).Devices);

            var again = await users.ConnectAsync(users.Options(alice, "two"));
            Assert.NotNull(await again.PingAsync(ct));
        });
    }

    [Fact]
    public async Task CliLogoutOfARoamingDevice_ClosesItAtTheVisitedCell_AndCancelsItsLocation()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var bob = await users.RegisterAsync("bob@b");
            var roaming = await users.ConnectAsync(users.Options(bob, "roam", preferCell: "a"));
            Assert.Equal("a", roaming.CellId);
            var home = await users.ConnectAsync(users.Options(bob, "home"));
            Assert.Contains((await cluster.Api.WhereAsync(bob, ct)).Devices, d => d is { DeviceId: "roam", ServingCell: "a" });

            var (exit, text) = await cluster.Cli.RunAsync("cli logout --device roam", CliBound, ct,
                "logout", "--user", bob.ToString(CultureInfo.InvariantCulture), "--password", TestUsers.Password, "--device", "roam",
                "--login", cluster.Layout.LoginUrl);
            output.WriteLine($"imcells logout --device roam: exit {exit}: {text}");

            Assert.Equal(0, exit);
            Assert.Equal("logged out device roam: 1 session(s) ended", text.Trim());
            // Home b cancelled the location and pushed Kicked to cell a, which closed the session there.
            await ClosedForGoodAsync(roaming, ct);
            var where = await cluster.Api.WhereAsync(bob, ct);
            Assert.DoesNotContain(where.Devices, d => d.DeviceId == "roam");
            Assert.Contains(where.Devices, d => d.DeviceId == "home");
            Assert.NotNull(await home.PingAsync(ct));
            Assert.NotNull(await home.SyncAsync(0, ct: ct));
        });
    }

    [Fact]
    public async Task LogoutOfTheAskingDevice_AnswersThenCloses()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (alice, client) = await users.ConnectAsync("alice@a/self");

            var ok = await client.LogoutAsync(ct: ct);

            Assert.Equal(1u, ok.SessionsEnded);
            Assert.True(ok.RevokedAtMs > 0);
            await ClosedForGoodAsync(client, ct);
            var again = await users.ConnectAsync(users.Options(alice, "self"));
            Assert.NotNull(await again.PingAsync(ct));
        });
    }

    /// <summary>The client lost its connection and, told it was logged out, does not come back.</summary>
    private async Task ClosedForGoodAsync(ImClient client, CancellationToken ct)
    {
        Assert.True(await Wait.UntilAsync(() => !client.IsConnected, CloseBound, ct), $"device of {client.UserId} is still connected after the logout");
        // Told it was kicked, the client gives up: its message stream ends with the reason.
        var error = await Assert.ThrowsAsync<ImClientException>(async () =>
        {
            await foreach (var _ in client.Messages.ReadAllAsync(ct))
            {
            }
        });
        output.WriteLine($"closed: {error.Message}");
        Assert.Contains("kicked: logged out", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.Reconnects);
    }

    /// <summary>A token issued before the logout no longer authenticates at the home cell.</summary>
    private async Task AssertRefusedAsync(LoginResult oldLogin, string device, CancellationToken ct)
    {
        var (connection, reply) = await RawChatConnection.AuthenticateAsync(oldLogin, device, ct);
        using (connection)
        {
            output.WriteLine($"old token of device {device}: {reply}");
            Assert.Equal(Frame.BodyOneofCase.Error, reply?.BodyCase);
            Assert.Equal(ErrorCode.BadToken, reply!.Error.Code);
            Assert.Equal("token was revoked; log in again", reply.Error.Message);
        }
    }
}
