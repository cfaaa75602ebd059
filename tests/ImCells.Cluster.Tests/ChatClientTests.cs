using System.Globalization;
using ImCells.ClusterHost;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 18: `imcells chat` is a real client. Started after time away it shows the unread counts and
/// only what arrived since the device was last online; /read marks read and the sender's chat prints
/// the receipt; `settings --read-receipts off` stops receipts.
/// </summary>
[Collection("cluster")]
public sealed class ChatClientTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan LineBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ChatAfterTimeAway_ShowsUnreadAndWhatArrived_ReadSendsReceiptsUntilTurnedOff()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (alice, bob) = await users.RegisterAsync("alice@a", "bob@b");
            var bobChat = StartChat("chat bob", bob);
            try
            {
                await ExpectAsync(bobChat, "no unread messages", ct);
                await SayAsync(bobChat, $"@{alice} before you left", $"sent #1 to {alice}", ct);

                // alice's first run shows it, and quits without reading it.
                var aliceChat = StartChat("chat alice 1", alice);
                await ExpectAsync(aliceChat, $"unread 1: @{bob} 1", ct);
                await ExpectAsync(aliceChat, "1 message since this device was last online:", ct);
                await ExpectAsync(aliceChat, $"#1 {bob} -> {alice} ", ": before you left", ct);
                Assert.Equal(0, await aliceChat.StopAsync(StopGrace));

                // Away: two more.
                await SayAsync(bobChat, $"@{alice} while you were away", $"sent #2 to {alice}", ct);
                await SayAsync(bobChat, $"@{alice} still away?", $"sent #3 to {alice}", ct);

                // Back: all three unread, but only the two new ones are shown as arrived.
                aliceChat = StartChat("chat alice 2", alice);
                await ExpectAsync(aliceChat, $"unread 3: @{bob} 3", ct);
                await ExpectAsync(aliceChat, "2 messages since this device was last online:", ct);
                await ExpectAsync(aliceChat, $"#2 {bob} -> {alice} ", ": while you were away", ct);
                await ExpectAsync(aliceChat, $"#3 {bob} -> {alice} ", ": still away?", ct);
                Assert.DoesNotContain(aliceChat.Output(), line => line.EndsWith(": before you left", StringComparison.Ordinal));

                // /read: bob's chat prints the receipt (seq 3 of bob's own mailbox).
                await SayAsync(aliceChat, "/read", $"read @{bob} up to #3: unread 0, total 0", ct);
                await ExpectAsync(bobChat, $"* {alice} read your messages up to #3 at ", "", ct);

                // Receipts off: reading #4 sends none.
                var (code, settings) = await cluster.Cli.RunAsync("settings alice", LineBound, ct,
                    ["settings", .. UserArgs(alice), "--read-receipts", "off"]);
                Assert.Equal((0, "read receipts: off"), (code, settings.Trim()));
                await SayAsync(bobChat, $"@{alice} fourth", $"sent #4 to {alice}", ct);
                await ExpectAsync(aliceChat, $"#4 {bob} -> {alice} ", ": fourth", ct);
                await SayAsync(aliceChat, $"/read {bob}", $"read @{bob} up to #4: unread 0, total 0", ct);

                // On again: reading #5 sends one. Receipts travel one path in order, so had #4 sent one, bob saw it first.
                (code, settings) = await cluster.Cli.RunAsync("settings alice", LineBound, ct, ["settings", .. UserArgs(alice)]);
                Assert.Equal((0, "read receipts: off"), (code, settings.Trim()));
                (code, settings) = await cluster.Cli.RunAsync("settings alice", LineBound, ct, ["settings", .. UserArgs(alice), "--read-receipts", "on"]);
                Assert.Equal((0, "read receipts: on"), (code, settings.Trim()));
                await SayAsync(bobChat, $"@{alice} fifth", $"sent #5 to {alice}", ct);
                await ExpectAsync(aliceChat, $"#5 {bob} -> {alice} ", ": fifth", ct);
                await SayAsync(aliceChat, "/read", $"read @{bob} up to #5: unread 0, total 0", ct);
                await ExpectAsync(bobChat, $"* {alice} read your messages up to #5 at ", "", ct);
                Assert.DoesNotContain(bobChat.Output(), line => line.StartsWith($"* {alice} read your messages up to #4 ", StringComparison.Ordinal));
                Assert.Equal(0, await aliceChat.StopAsync(StopGrace));
            }
            finally
            {
                output.WriteLine(string.Join('\n', bobChat.Output()));
                await bobChat.StopAsync(StopGrace);
            }
        });
    }

    private HostedProcess StartChat(string name, ulong user) => cluster.Cli.Start(name, ["chat", .. UserArgs(user)]);

    private string[] UserArgs(ulong user) =>
        ["--user", user.ToString(CultureInfo.InvariantCulture), "--password", TestUsers.Password, "--login", cluster.Layout.LoginUrl];

    /// <summary>Types <paramref name="line"/> into the chat and waits for the line it answers with.</summary>
    private static async Task SayAsync(HostedProcess chat, string line, string answer, CancellationToken ct)
    {
        await chat.StandardInput.WriteLineAsync(line);
        await chat.StandardInput.FlushAsync(ct);
        await ExpectAsync(chat, answer, "", ct);
    }

    private static Task ExpectAsync(HostedProcess chat, string line, CancellationToken ct) => ExpectAsync(chat, line, null, ct);

    /// <summary>Waits for a line equal to <paramref name="start"/>, or (with <paramref name="end"/>) starting and ending so.</summary>
    private static async Task ExpectAsync(HostedProcess chat, string start, string? end, CancellationToken ct)
    {
        bool Matches(string l) => end is null ? l == start : l.StartsWith(start, StringComparison.Ordinal) && l.EndsWith(end, StringComparison.Ordinal);
        if (!await Wait.UntilAsync(() => chat.Output().Any(Matches), LineBound, ct))
        {
            throw new TimeoutException($"{chat} printed no line \"{start}…{end}\" within {LineBound.TotalSeconds:0} s; it printed:\n{string.Join('\n', chat.Output())}");
        }
    }
}
