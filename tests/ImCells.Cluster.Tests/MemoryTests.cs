using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ImCells.Client;
using ImCells.ClusterHost;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Issue 13, memory per connection, against real cells: a connection that asks for large answers
/// and reads none of them is closed once its queue passes the byte budget, and the cell's memory
/// does not grow past that budget; a mailbox filled by a stranger with maximum-size messages is
/// read to the end by the CLI, page by page.
/// </summary>
[Collection("cluster")]
public sealed class MemoryTests(ClusterFixture cluster, ITestOutputHelper output)
{
    // The cells' defaults: Chat:MaxTextBytes and Chat:MaxPendingBytes.
    private const int MaxTextBytes = 16 * 1024;
    private const long MaxPendingBytes = 4L * 1024 * 1024;
    private const long Headroom = 50L * 1024 * 1024;
    private const int Bomb = 300;

    private static readonly TimeSpan TestBound = TimeSpan.FromSeconds(240);
    private static readonly TimeSpan DropBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CliBound = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task HundredSyncsNeverRead_RaiseTheCellRssByLessThanTheBudgetPlus50MB_AndTheConnectionIsDropped()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (_, strangerClient) = await users.ConnectAsync("mallory@a");
            var victim = await users.RegisterAsync("victim@a");
            // Without a byte cut one Sync of this mailbox would answer 4.8 MiB.
            await FillAsync(strangerClient, victim, ct);
            var pid = cluster.Servers.Pids()[ServerCommands.CellName("a")];
            using (var asOperator = cluster.Api.As(ClusterPki.Operator, cluster.Layout.CellGrpcUrl("a")))
            {
                await ClusterApi.CollectGarbageAsync(asOperator, ct);
            }

            var before = StatusBytes(pid, "VmRSS");
            ResetPeakRss(pid);
            var mark = cluster.LogMark();

            var (raw, _) = await RawChatConnection.AuthenticateAsync(cluster.Layout.LoginUrl, victim, TestUsers.Password, "greedy", ct);
            bool dropped;
            using (raw)
            {
                for (var seq = 2u; seq < 102; seq++)
                {
                    await raw.WriteAsync(new Frame { Seq = seq, Sync = new SyncRequest { FromSeq = 0 } }, ct);
                }

                dropped = await ClosedWhilePingingAsync(raw, DropBound, ct);
            }

            var peak = StatusBytes(pid, "VmHWM");
            var slowReader = cluster.LogSince(mark).FirstOrDefault(l => l.Contains("slow reader", StringComparison.Ordinal));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"cell a RSS before {before / 1048576.0:0.0} MiB, peak {peak / 1048576.0:0.0} MiB, rise {(peak - before) / 1048576.0:0.0} MiB; dropped: {dropped}; log: {slowReader ?? "(no slow reader line)"}"));

            Assert.True(dropped, $"the cell did not close a connection that read none of 100 Sync answers within {DropBound.TotalSeconds:0} s");
            Assert.True(peak - before < MaxPendingBytes + Headroom,
                $"cell a's RSS rose by {(peak - before) / 1048576.0:0.0} MiB, more than the byte budget + 50 MiB");
            Assert.NotNull(slowReader);
            Assert.Contains("Chat:MaxPendingBytes", slowReader);
        });
    }

    [Fact]
    public async Task StrangerFills_AMailboxWith300MaximumSizeMessages_TheVictimReadsAllOfThemWithTheCli()
    {
        await cluster.RunAsync(output, TestBound, async (users, ct) =>
        {
            var (stranger, strangerClient) = await users.ConnectAsync("mallory@b");
            var victim = await users.RegisterAsync("victim@a");
            var phone = await users.ConnectAsync(users.Options(victim, "phone"));

            var sent = await FillAsync(strangerClient, victim, ct);
            Assert.True(await Wait.UntilAsync(() => phone.LastSeq >= Bomb, Delivery, ct),
                $"the victim's phone has {phone.LastSeq} of {Bomb} messages after {Delivery.TotalSeconds:0} s");

            var (exit, printed) = await cluster.Cli.RunAsync("cli recv", CliBound, ct,
                "recv", "--user", victim.ToString(CultureInfo.InvariantCulture), "--password", TestUsers.Password,
                "--login", cluster.Layout.LoginUrl, "--json");
            var received = printed.Split('\n').Where(l => l.StartsWith('{')).Select(Parse).ToList();
            output.WriteLine($"imcells recv: exit {exit}, {received.Count} messages, {printed.Length} characters printed");

            Assert.Equal(0, exit);
            Assert.Equal(sent, received.Select(m => (m.Id, m.Text)));
            Assert.All(received, m => Assert.Equal(stranger, m.From));

            // `history` prints --limit messages, newest first, over as many pages as that takes.
            var (historyExit, history) = await cluster.Cli.RunAsync("cli history", CliBound, ct,
                "history", "--user", victim.ToString(CultureInfo.InvariantCulture), "--password", TestUsers.Password,
                "--login", cluster.Layout.LoginUrl, "--with", stranger.ToString(CultureInfo.InvariantCulture), "--limit", $"{Bomb}", "--json");
            Assert.Equal(0, historyExit);
            Assert.Equal(sent.AsEnumerable().Reverse(), history.Split('\n').Where(l => l.StartsWith('{')).Select(Parse).Select(m => (m.Id, m.Text)));

            // The server sent them in pages that each fit in a frame, the first saying more follow.
            var first = await phone.SyncAsync(0, ct: ct);
            output.WriteLine($"first page: {first.Messages.Count} messages, has_more {first.HasMore}");
            Assert.True(first.HasMore);
            Assert.InRange(first.Messages.Count, 1, Bomb - 1);
        });
    }

    /// <summary>Sends <see cref="Bomb"/> messages of exactly Chat:MaxTextBytes (1- to 4-byte characters); returns their ids and texts.</summary>
    internal static async Task<List<(string Id, string Text)>> FillAsync(ImClient sender, ulong to, CancellationToken ct)
    {
        var sent = new List<(string, string)>(Bomb);
        for (var i = 0; i < Bomb; i++)
        {
            var text = Text(i);
            var ack = await sender.SendAsync(to, text, ct: ct);
            sent.Add((ack.MessageId, text));
        }

        return sent;
    }

    private static string Text(int i)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{i:D3} ") + string.Concat(Enumerable.Repeat("aé€\U0001F600", MaxTextBytes / 10));
        return text + new string('z', MaxTextBytes - Encoding.UTF8.GetByteCount(text));
    }

    private static (string Id, ulong From, string Text) Parse(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return (root.GetProperty("id").GetString()!, root.GetProperty("from").GetUInt64(), root.GetProperty("text").GetString()!);
    }

    /// <summary>
    /// Pings every 250 ms without reading anything (a silent connection would be closed after three
    /// heartbeats, whatever it queued); true once a write fails because the cell closed the connection.
    /// </summary>
    internal static async Task<bool> ClosedWhilePingingAsync(RawChatConnection raw, TimeSpan bound, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + bound;
        var seq = 1000u;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await raw.WriteAsync(new Frame { Seq = seq++, Ping = new Ping() }, ct);
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                return true;
            }

            await Task.Delay(250, ct);
        }

        return false;
    }

    /// <summary>A size line of /proc/PID/status ("VmRSS", "VmHWM"), in bytes.</summary>
    private static long StatusBytes(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Sets the process's peak RSS (VmHWM) back to its current RSS, so the peak measured is this test's.</summary>
    private static void ResetPeakRss(int pid) => File.WriteAllText($"/proc/{pid}/clear_refs", "5");
}
