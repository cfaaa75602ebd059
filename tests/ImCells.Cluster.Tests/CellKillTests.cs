using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// DESIGN.md §6 and §11 under load: the recipients' cell is SIGKILLed twice while 20 senders
/// (half of them homed in that very cell) send; senders resend what was not acknowledged with the
/// same client_msg_id. Every acknowledged message must arrive once, in per-sender order.
/// </summary>
[Collection("cluster")]
public sealed class CellKillTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Senders = 20;
    private const int PerSender = 100;
    private const int Total = Senders * PerSender;
    private static readonly TimeSpan RetryBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeliveryBound = TimeSpan.FromSeconds(90);

    // Unpaced, all 2000 sends take about as long as one restart of a cell (1-2 s), and the senders homed
    // in b would be nearly done before the second kill; paced, each sender takes at least 2.5 s.
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(25);

    /// <summary>What one sender did: the n it got a SendAck for, and how hard that was.</summary>
    private sealed class SenderLog
    {
        public required int Index { get; init; }
        public required ulong From { get; init; }
        public required ulong To { get; init; }
        public List<int> Acked { get; } = [];
        public int Retried { get; set; }
        public string? GaveUp { get; set; }
    }

    [Fact]
    public async Task KillRecipientsCellTwice_EveryAckedMessageOnceInOrder()
    {
        try
        {
            await cluster.RunAsync(output, TimeSpan.FromSeconds(240), RunAsync);
        }
        finally
        {
            // Never leave cell b dead for the next test, whatever happened here.
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await cluster.Servers.EnsureRunningAsync(restore.Token);
        }
    }

    private async Task RunAsync(TestUsers users, CancellationToken ct)
    {
        output.WriteLine($"cell b's database: {(cluster.Layout.PostgresDatabase is { } postgres ? $"postgres ({postgres.Name})" : "sqlite")}");
        var logs = new SenderLog[Senders];
        for (var i = 0; i < Senders; i++)
        {
            var (from, to) = await users.RegisterAsync($"sender{i}@{(i < Senders / 2 ? "a" : "b")}", $"recipient{i}@b");
            logs[i] = new SenderLog { Index = i, From = from, To = to };
        }

        var clients = new ImClient[Senders];
        for (var i = 0; i < Senders; i++)
        {
            clients[i] = await users.ConnectAsync(users.Options(logs[i].From, "sender"));
        }

        // Senders 0-9 are homed in a, 10-19 in b (they lose their connection with each kill).
        var ackedTotal = 0;
        var ackedInB = 0;
        var errors = new ConcurrentDictionary<string, int>();
        var sending = Task.WhenAll(Enumerable.Range(0, Senders).Select(i => Task.Run(
            () => SendAllAsync(clients[i], logs[i], () =>
            {
                Interlocked.Increment(ref ackedTotal);
                if (i >= Senders / 2)
                {
                    Interlocked.Increment(ref ackedInB);
                }
            }, errors, ct), ct)));

        // Kill b after about a third of all messages were acked, and again after two thirds. The
        // senders in a do not wait for b, so the second threshold also asks that the senders homed
        // in b got two thirds of theirs through: both kills then cut b's own senders mid-stream.
        var kills = new List<string>();
        foreach (var (overall, inB) in new[] { (Total / 3, 0), (2 * Total / 3, Total / 2 * 2 / 3) })
        {
            await Wait.UntilAsync(
                () => sending.IsCompleted || (Volatile.Read(ref ackedTotal) >= overall && Volatile.Read(ref ackedInB) >= inB),
                TimeSpan.FromSeconds(120), ct);
            var atKill = (Volatile.Read(ref ackedTotal), Volatile.Read(ref ackedInB));
            var stillSending = !sending.IsCompleted;
            var outage = Stopwatch.StartNew();
            await cluster.Servers.KillCellAsync("b");
            await cluster.Servers.StartCellAsync("b", ct);
            kills.Add($"killed b at acked={atKill.Item1} (by senders in b: {atKill.Item2}; still sending: {stillSending}), "
                      + $"reported up again {outage.Elapsed.TotalSeconds:0.0} s later at acked={Volatile.Read(ref ackedTotal)}");
            Assert.True(stillSending, $"every sender had finished before kill #{kills.Count}: the kill tested nothing");
        }

        await sending;
        foreach (var line in kills)
        {
            output.WriteLine(line);
        }

        output.WriteLine("send errors: " + (errors.IsEmpty ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} x{e.Value}"))));

        // Every recipient connects from seq 0 and reads until it holds everything acked for it.
        var results = await Task.WhenAll(logs.Select(log => Task.Run(() => ReceiveAllAsync(users, log, ct), ct)));

        var acked = logs.Sum(l => l.Acked.Count);
        var delivered = results.Sum(r => r.Delivered);
        var duplicates = results.Sum(r => r.Duplicates);
        var reordered = results.Sum(r => r.Reordered);
        var missing = results.SelectMany(r => r.Missing).ToList();
        output.WriteLine($"acked={acked} delivered={delivered} duplicates={duplicates} reordered={reordered}");
        output.WriteLine(
            $"sent={Total} retried={logs.Sum(l => l.Retried)} (sends that needed more than one attempt) "
            + $"gave-up={logs.Count(l => l.GaveUp is not null)} missing={missing.Count} "
            + $"unacked-delivered={results.Sum(r => r.UnackedDelivered)}");
        foreach (var log in logs.Where(l => l.GaveUp is not null))
        {
            output.WriteLine($"  sender {log.Index} gave up: {log.GaveUp}");
        }

        Assert.True(missing.Count == 0,
            $"{missing.Count} acknowledged messages never arrived, first: {string.Join(", ", missing.Take(20))}");
        Assert.Equal(0, duplicates);
        Assert.Equal(0, reordered);
        Assert.Equal(acked, delivered);
        Assert.True(logs.All(l => l.GaveUp is null),
            "some senders could not get a message acknowledged within 60 s of retrying: "
            + string.Join("; ", logs.Where(l => l.GaveUp is not null).Select(l => $"sender {l.Index}: {l.GaveUp}")));
        Assert.Equal(Total, acked);
    }

    /// <summary>Sends s{i}:0 .. s{i}:99 in order; a failed send is resent (same client_msg_id) once reconnected.</summary>
    private static async Task SendAllAsync(
        ImClient client, SenderLog log, Action onAck, ConcurrentDictionary<string, int> errors, CancellationToken ct)
    {
        for (var n = 0; n < PerSender; n++)
        {
            var deadline = Stopwatch.StartNew();
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await client.SendAsync(log.To, $"s{log.Index}:{n}", clientMsgId: $"s{log.Index}-{n}", ct: ct);
                    log.Acked.Add(n);
                    if (attempt > 1)
                    {
                        log.Retried++;
                    }

                    onAck();
                    await Task.Delay(Pace, ct);
                    break;
                }
                catch (Exception e) when (e is ImClientException or TimeoutException && !ct.IsCancellationRequested)
                {
                    errors.AddOrUpdate(e is ImClientException ice ? ice.Code.ToString() : "Timeout", 1, (_, c) => c + 1);
                    var left = RetryBound - deadline.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        log.GaveUp = $"s{log.Index}:{n} after {attempt} attempts, last: {e.GetType().Name}: {e.Message}";
                        return;
                    }

                    await Wait.UntilAsync(() => client.IsConnected, left, ct);
                    await Task.Delay(TimeSpan.FromMilliseconds(100), ct);
                }
            }
        }
    }

    private sealed record Result(int Delivered, int Duplicates, int Reordered, int UnackedDelivered, List<string> Missing);

    private static async Task<Result> ReceiveAllAsync(TestUsers users, SenderLog log, CancellationToken ct)
    {
        var ackedTexts = log.Acked.Select(n => $"s{log.Index}:{n}").ToHashSet();
        var client = await users.ConnectAsync(users.Options(log.To, "reader"));
        var received = await Receive.FromAsync(
            client.Messages, log.From, r => r.Count >= ackedTexts.Count && ackedTexts.IsSubsetOf(r.Select(m => m.Text)),
            DeliveryBound, ct);

        var seen = new HashSet<string>();
        var duplicates = 0;
        var reordered = 0;
        var last = -1;
        foreach (var message in received)
        {
            if (!seen.Add(message.Text))
            {
                duplicates++;
                continue;
            }

            var n = int.Parse(message.Text.AsSpan(message.Text.IndexOf(':') + 1), CultureInfo.InvariantCulture);
            if (n < last)
            {
                reordered++;
            }

            last = Math.Max(last, n);
        }

        var delivered = ackedTexts.Count(seen.Contains);
        return new Result(
            delivered,
            duplicates,
            reordered,
            seen.Count - delivered,
            ackedTexts.Where(t => !seen.Contains(t)).Select(t => $"{t} (to {log.To})").ToList());
    }
}
