using System.Diagnostics;
using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Read fan-out, counted: a 10 000-member group homed in cell c (members in a, b and c). One send is
/// one row written in the whole cluster (the timeline entry at c; the member cells write no row), and
/// one Deliver call from c to each other member cell.
/// </summary>
[Collection("cluster")]
public sealed class GroupFanoutTests(ClusterFixture cluster, ITestOutputHelper output)
{
    private const int Members = 10_000;

    [Fact]
    public async Task TenThousandMembers_OneSend_OneRow_OneDeliverCallPerMemberCell()
    {
        await cluster.RunAsync(output, TimeSpan.FromSeconds(240), async (users, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var (owner, ownerClient) = await users.ConnectAsync("owner@c");
            var (inA, aClient) = await users.ConnectAsync("member@a");
            var (inB, bClient) = await users.ConnectAsync("member@b");
            var others = await RegisterManyAsync(Members - 3, ct);
            output.WriteLine($"registered {others.Count + 3} users in {clock.Elapsed.TotalSeconds:0.0} s");

            clock.Restart();
            var info = await ownerClient.CreateGroupAsync("everyone", [inA, inB, .. others], ct: ct);
            output.WriteLine($"group {info.Group} in cell {info.HomeCell}: {info.MemberCount} members, created in {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(("c", (uint)Members), (info.HomeCell, info.MemberCount));
            // Both other members have caught up with the last ADDED event before anything is counted.
            foreach (var client in new[] { aClient, bClient })
            {
                Assert.Equal(info.HeadSeq, (await GroupLive.UntilSeqAsync(client, info.Group, info.HeadSeq, ct)).LastOrDefault()?.Seq);
            }

            var calls = await SettledCallsAsync(ct);
            var rowsC = await TableRows.CountAsync(cluster.Layout.SqlitePath("c"), ct);
            var rowsA = await TableRows.CountAsync(cluster.Layout.SqlitePath("a"), ct);

            var sent = Stopwatch.StartNew();
            var ack = await ownerClient.SendGroupAsync(info.Group, "hello everyone", ct: ct);
            var acked = sent.Elapsed;
            foreach (var client in new[] { aClient, bClient })
            {
                Assert.Equal(ack.Seq, (await GroupLive.UntilSeqAsync(client, info.Group, ack.Seq, ct)).Single().Seq);
            }

            output.WriteLine($"send acked in {acked.TotalMilliseconds:0} ms, at the members of a and b after {sent.Elapsed.TotalMilliseconds:0} ms");
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var callsAfter = (await cluster.Api.CellStatusAsync("c", ct)).GroupDeliverCalls;
            var changesC = TableRows.Changes(rowsC, await TableRows.CountAsync(cluster.Layout.SqlitePath("c"), ct));
            var changesA = TableRows.Changes(rowsA, await TableRows.CountAsync(cluster.Layout.SqlitePath("a"), ct));
            output.WriteLine($"rows changed at c: [{string.Join(", ", changesC)}], at a: [{string.Join(", ", changesA)}]");
            output.WriteLine($"Deliver calls from c: to a {Calls(calls, "a")} -> {Calls(callsAfter, "a")}, to b {Calls(calls, "b")} -> {Calls(callsAfter, "b")}");

            Assert.Equal(["group_timeline +1"], changesC);
            Assert.Empty(changesA);
            Assert.Equal(Calls(calls, "a") + 1, Calls(callsAfter, "a"));
            Assert.Equal(Calls(calls, "b") + 1, Calls(callsAfter, "b"));
        });
    }

    private async Task<List<ulong>> RegisterManyAsync(int count, CancellationToken ct)
    {
        using var api = new LoginApi(cluster.Layout.LoginUrls);
        var cells = new[] { "a", "b", "c" };
        var numbers = new ulong[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                numbers[i] = await api.RegisterAsync($"m{i}", TestUsers.Password, cells[i % cells.Length], ct);
            }
        }));
        return [.. numbers];
    }

    private static ulong Calls(IDictionary<string, ulong> calls, string cell) => CallCounts.Of(calls, cell);

    private Task<Dictionary<string, ulong>> SettledCallsAsync(CancellationToken ct) =>
        CallCounts.SettledAsync(async () => (await cluster.Api.CellStatusAsync("c", ct)).GroupDeliverCalls, "cell c's Deliver calls", ct);
}
