using ImCells.Client;
using ImCells.Protos.Client;

namespace ImCells.Cluster.Tests;

/// <summary>Bounded reads of a client's live group entries, and whole-timeline syncs.</summary>
internal static class GroupLive
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>The group's entries pushed to <paramref name="client"/> until one at <paramref name="seq"/> or later arrived (or the bound passed).</summary>
    public static async Task<List<GroupEntry>> UntilSeqAsync(ImClient client, ulong group, ulong seq, CancellationToken ct)
    {
        var received = new List<GroupEntry>();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Bound);
        try
        {
            while (received.LastOrDefault()?.Seq < seq || received.Count == 0)
            {
                await client.GroupEntries.WaitToReadAsync(cts.Token);
                while (client.GroupEntries.TryRead(out var entry))
                {
                    if (entry.Group == group)
                    {
                        received.Add(entry);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The bound, not the test's: the caller asserts on what arrived.
        }

        return received;
    }

    /// <summary>What is pushed within <paramref name="quiet"/> (expected: nothing, or nothing of this group).</summary>
    public static async Task<List<GroupEntry>> DrainAsync(ImClient client, ulong group, TimeSpan quiet, CancellationToken ct)
    {
        await Task.Delay(quiet, ct);
        var received = new List<GroupEntry>();
        while (client.GroupEntries.TryRead(out var entry))
        {
            if (entry.Group == group)
            {
                received.Add(entry);
            }
        }

        return received;
    }

    public static async Task<List<GroupEntry>> SyncAsync(ImClient client, ulong group, CancellationToken ct) =>
        [.. (await client.GroupSyncAsync(group, 0, ct)).Entries];

    /// <summary>Seqs strictly rising, one step at a time (the timeline's seq is dense).</summary>
    public static void AssertDense(IReadOnlyList<GroupEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            Xunit.Assert.True(entries[i].Seq == entries[i - 1].Seq + 1,
                $"seq {entries[i].Seq} follows {entries[i - 1].Seq}: {string.Join(",", entries.Select(e => e.Seq))}");
        }
    }
}
