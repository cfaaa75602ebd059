using System.Globalization;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 18: `imcells send` says at once when the recipient refuses (exit 3 and the reason on one
/// line), for a recipient of the sender's cell and of another cell alike; a stored message exits 0.
/// The old flag names still work, and a region no cell has is refused like an unknown cell.
/// </summary>
[Collection("cluster")]
public sealed class CliRefusalTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("a", "same cell")]
    [InlineData("b", "another cell")]
    public async Task SendToAUserWhoBlockedTheSender_Exits3WithTheReason(string recipientCell, string where)
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            var bob = await users.ConnectAsync($"bob@{recipientCell}");
            Assert.True((await bob.Client.BlockAsync(alice, block: true, ct)).Blocked);

            var (exit, text) = await SendAsync(alice, bob.Id, "--peer", "let me in", ct);

            output.WriteLine($"{where}: exit {exit}: {text}");
            Assert.Equal(3, exit);
            Assert.StartsWith("imcells: refused: blocked: the recipient does not accept messages from you", Assert.Single(Lines(text)));
        });
    }

    [Theory]
    [InlineData("a")]
    [InlineData("b")]
    public async Task NormalSend_Exits0AndPrintsIdAndSeq_WithTheOldFlagToo(string recipientCell)
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");
            var bob = await users.RegisterAsync($"bob@{recipientCell}");

            foreach (var flag in new[] { "--peer", "--to" })
            {
                var (exit, text) = await SendAsync(alice, bob, flag, "hello", ct);

                output.WriteLine($"{flag}: exit {exit}: {text}");
                Assert.Equal(0, exit);
                Assert.Matches(@"^\S+ \d+$", Assert.Single(Lines(text)));
            }
        });
    }

    [Fact]
    public async Task SendToNobody_Exits3()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");

            var (exit, text) = await SendAsync(alice, 11_999_998, "--peer", "anyone?", ct);

            output.WriteLine($"exit {exit}: {text}");
            Assert.Equal(3, exit);
            Assert.Equal("imcells: refused: user 11999998 does not exist", Assert.Single(Lines(text)));
        });
    }

    [Fact]
    public async Task UnknownRegion_IsRefusedOnOneLine()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var alice = await users.RegisterAsync("alice@a");

            var (exit, text) = await cluster.Cli.RunAsync("cli recv --region nowhere", CliBound, ct,
                "recv", "--user", Number(alice), "--password", TestUsers.Password, "--region", "nowhere", "--login", cluster.Layout.LoginUrl);

            output.WriteLine($"exit {exit}: {text}");
            Assert.Equal(1, exit);
            Assert.StartsWith("imcells: no cell in region 'nowhere' in topology version", Assert.Single(Lines(text)));
        });
    }

    private Task<(int ExitCode, string Output)> SendAsync(ulong from, ulong to, string flag, string text, CancellationToken ct) =>
        cluster.Cli.RunAsync($"cli send {flag}", CliBound, ct,
            "send", "--user", Number(from), "--password", TestUsers.Password, flag, Number(to), "--text", text, "--login", cluster.Layout.LoginUrl);

    private static string Number(ulong user) => user.ToString(CultureInfo.InvariantCulture);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
