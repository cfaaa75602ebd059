using ImCells.Client;
using ImCells.Protos.Client;
using Xunit;
using Xunit.Abstractions;

namespace ImCells.Cluster.Tests;

[Collection("cluster")]
public sealed class FailureTests(ClusterFixture cluster, ITestOutputHelper output)
{

    /// <summary>
    /// DESIGN.md §6 and §11: a cell killed with SIGKILL loses no acknowledged message; traffic to it
    /// waits in the sender cell's outbox and flows, once and in order, when it returns.
    /// </summary>
    [Fact]
    public async Task CellKilledWhileMessagesInFlight_EveryAckedMessageArrivesOnceInOrder()
    {
        // Longer than the other tests' 90 s: the delivery wait alone may take 60 s.
        await cluster.RunAsync(output, TimeSpan.FromSeconds(180), async (users, ct) =>
        {
            const int total = 300;
            const int killAfter = 100;
            var bob = await users.RegisterAsync("bob@b");
            var (alice, aliceClient) = await users.ConnectAsync("alice@a");

            var acked = new List<int>();
            var refused = new List<string>();
            var killed = false;
            for (var i = 0; i < total; i++)
            {
                if (i == killAfter)
                {
                    await cluster.Servers.KillCellAsync("b");
                    killed = true;
                }

                try
                {
                    await aliceClient.SendAsync(bob, $"m{i}", clientMsgId: $"k{i}", ct: ct);
                    acked.Add(i);
                }
                catch (ImClientException e)
                {
                    refused.Add($"m{i}: {e.Code} {e.Message}");
                }
            }

            Assert.True(killed);
            output.WriteLine($"sent={total} acked={acked.Count} refused={refused.Count}");
            foreach (var line in refused.Take(10))
            {
                output.WriteLine("  refused " + line);
            }

            await cluster.Servers.StartCellAsync("b", ct);
            var bobClient = await users.ConnectAsync(users.Options(bob));
            var ackedTexts = acked.Select(i => $"m{i}").ToHashSet();
            var received = await Receive.FromAsync(
                bobClient.Messages,
                alice,
                r => ackedTexts.IsSubsetOf(r.Select(m => m.Text)),
                TimeSpan.FromSeconds(60),
                ct);

            var report = Analyse(acked, received);
            output.WriteLine(
                $"acked={acked.Count} delivered={report.Delivered} duplicates={report.Duplicates} reordered={report.Reordered} "
                + $"missing={report.Missing.Count} unacked-delivered={report.UnackedDelivered}");
            Assert.True(report.Missing.Count == 0,
                $"{report.Missing.Count} acknowledged messages never arrived, first: {string.Join(", ", report.Missing.Take(20))}");
            Assert.Equal(0, report.Duplicates);
            Assert.Equal(0, report.Reordered);
            Assert.Equal(acked.Count, report.Delivered);
            Assert.Contains(acked, i => i >= killAfter); // the outbox, not the dead cell, took those

            // The mailbox agrees with the live stream: nothing doubled behind the client's back.
            var mailbox = await Wait.SyncAllAsync(bobClient, ct);
            var fromAlice = mailbox.Where(m => m.From == alice).Select(m => m.Text).ToList();
            Assert.Equal(fromAlice.Count, fromAlice.Distinct().Count());
            Assert.Equal(received.Select(m => m.Text), fromAlice.Take(received.Count));
        });
    }

    private sealed record Report(int Delivered, int Duplicates, int Reordered, int UnackedDelivered, List<string> Missing);

    private static Report Analyse(List<int> acked, List<ChatMessage> received)
    {
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

            var index = int.Parse(message.Text.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            if (index < last)
            {
                reordered++;
            }

            last = Math.Max(last, index);
        }

        var ackedTexts = acked.Select(i => $"m{i}").ToList();
        var delivered = ackedTexts.Count(seen.Contains);
        return new Report(
            delivered,
            duplicates,
            reordered,
            seen.Count - delivered,
            ackedTexts.Where(t => !seen.Contains(t)).ToList());
    }
}
