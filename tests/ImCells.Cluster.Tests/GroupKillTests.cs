using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// DESIGN.md §11 for groups: the cell hosting a group is SIGKILLed twice during 500 sends by members
/// homed in a and b, who resend what was not acknowledged with the same client_msg_id. Afterwards
/// every member's view (its sync of the timeline) holds every acknowledged message once, in per-sender
/// order, and every member cell has caught up with the timeline (the fan-out went on from its cursors).
/// </summary>
[Collection("cluster")]
public sealed class GroupKillTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Senders = 4;
    private const int PerSender = 125;
    private const int Total = Senders * PerSender;
    private static readonly TimeSpan RetryBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task KillGroupHomeTwice_EveryAckedMessageInEveryViewOnceInOrder()
    {
        try
        {
            await cluster.RunAsync(output, TimeSpan.FromSeconds(240), RunAsync);
        }
        finally
        {
            using var restore = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await cluster.Servers.EnsureRunningAsync(restore.Token);
        }
    }

    private async Task RunAsync(TestUsers users, CancellationToken ct)
    {
        var (owner, ownerClient) = await users.ConnectAsync("gowner@c");
        var senders = new (ulong Id, ImClient Client)[Senders];
        for (var i = 0; i < Senders; i++)
        {
            var (id, client) = await users.ConnectAsync($"gsender{i}@{(i % 2 == 0 ? "a" : "b")}");
            senders[i] = (id, client);
        }

        var readers = new[] { await users.RegisterAsync("greader@a"), await users.RegisterAsync("greader@b"), await users.RegisterAsync("greader2@c") };
        var info = await ownerClient.CreateGroupAsync("kill", [.. senders.Select(s => s.Id), .. readers], ct: ct);
        Assert.Equal("c", info.HomeCell);

        var acked = new ConcurrentBag<(int Sender, int N, ulong Seq)>();
        var errors = new ConcurrentDictionary<string, int>();
        var retried = 0;
        var sending = Task.WhenAll(Enumerable.Range(0, Senders).Select(i => Task.Run(async () =>
        {
            for (var n = 0; n < PerSender; n++)
            {
                var deadline = Stopwatch.StartNew();
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var ack = await senders[i].Client.SendGroupAsync(info.Group, $"s{i}:{n}", clientMsgId: $"g{i}-{n}", ct: ct);
                        acked.Add((i, n, ack.Seq));
                        if (attempt > 1)
                        {
                            Interlocked.Increment(ref retried);
                        }

                        await Task.Delay(Pace, ct);
                        break;
                    }
                    catch (Exception e) when (e is ImClientException or TimeoutException && !ct.IsCancellationRequested)
                    {
                        errors.AddOrUpdate(e is ImClientException ice ? ice.Code.ToString() : "Timeout", 1, (_, c) => c + 1);
                        Assert.True(deadline.Elapsed < RetryBound, $"s{i}:{n} not acknowledged after {attempt} attempts: {e.Message}");
                        await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                    }
                }
            }
        }, ct)));

        var kills = new List<string>();
        foreach (var threshold in new[] { Total / 3, 2 * Total / 3 })
        {
            await Wait.UntilAsync(() => sending.IsCompleted || acked.Count >= threshold, TimeSpan.FromSeconds(120), ct);
            var atKill = acked.Count;
            Assert.False(sending.IsCompleted, $"every sender had finished before kill #{kills.Count + 1}: the kill tested nothing");
            var outage = Stopwatch.StartNew();
            await cluster.Servers.KillCellAsync("c");
            await cluster.Servers.StartCellAsync("c", ct);
            kills.Add($"killed c at acked={atKill}, up again {outage.Elapsed.TotalSeconds:0.0} s later at acked={acked.Count}");
        }

        await sending;
        kills.ForEach(output.WriteLine);
        output.WriteLine($"acked={acked.Count} retried={retried} errors: {(errors.IsEmpty ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} x{e.Value}")))}");
        Assert.Equal(Total, acked.Count);
        var finalHead = await SettledHeadAsync(ownerClient, info.Group, ct);

        // Every member's view: the owner in c, the senders in a and b, the readers in a, b and c.
        var viewers = new List<(string Name, ImClient Client)> { ("owner@c", ownerClient) };
        viewers.AddRange(senders.Select((s, i) => ($"sender{i}", s.Client)));
        foreach (var reader in readers)
        {
            viewers.Add(($"reader {reader}", await users.ConnectAsync(users.Options(reader, "reader"))));
        }

        foreach (var (name, client) in viewers)
        {
            var view = await GroupLive.SyncAsync(client, info.Group, ct);
            GroupLive.AssertDense(view);
            var messages = view.Where(e => e.Event is null).Select(e => e.Text).ToList();
            var duplicates = messages.Count - messages.Distinct().Count();
            var missing = acked.Select(a => $"s{a.Sender}:{a.N}").Except(messages).ToList();
            var reordered = Enumerable.Range(0, Senders).Count(i =>
            {
                var ns = messages.Where(m => m.StartsWith($"s{i}:", StringComparison.Ordinal)).Select(m => int.Parse(m.AsSpan(m.IndexOf(':') + 1), CultureInfo.InvariantCulture)).ToList();
                return !ns.SequenceEqual(ns.Order());
            });
            output.WriteLine($"{name}: {messages.Count} messages up to seq {view.LastOrDefault()?.Seq}, duplicates {duplicates}, missing {missing.Count}, senders out of order {reordered}");
            Assert.Empty(missing);
            Assert.Equal(0, duplicates);
            Assert.Equal(0, reordered);
            Assert.Equal(finalHead, view.Last().Seq);

            // The member's own cell has the whole timeline too: the fan-out resumed after the kills.
            Assert.True(await Wait.UntilAsync(async () => (await client.GroupListAsync(ct)).Groups.Single(g => g.Group == info.Group).HeadSeq == finalHead,
                TimeSpan.FromSeconds(30), ct), $"{name}'s home cell never caught up with seq {finalHead}");
        }
    }

    private static async Task<ulong> SettledHeadAsync(ImClient client, ulong group, CancellationToken ct) =>
        (await client.GroupSyncAsync(group, 0, ct)).HeadSeq;
}
