using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>
/// What became of the acknowledged messages a member never got pushed: a group_sync from just before
/// the first of them (paged on while has_more, up to the last) says which the group stored (so were
/// not pushed) and which it did not store.
/// </summary>
internal static class GroupLossCheck
{
    private const uint PageLimit = 500;
    private const int MaxPages = 100;

    public static async Task<LossVerdict> CheckAsync(
        GroupMember member, ulong group, IReadOnlyList<ulong> missing, TimeSpan timeout, CancellationToken ct)
    {
        var stored = new HashSet<ulong>();
        var from = missing[0] - 1;
        var coveredUpTo = from;
        try
        {
            for (var page = 0; page < MaxPages && coveredUpTo < missing[^1]; page++)
            {
                var answer = await member.RequestAsync(
                    new Frame { GroupSync = new GroupSyncRequest { Group = group, FromSeq = from, Limit = PageLimit } }, timeout, ct);
                if (answer.BodyCase != Frame.BodyOneofCase.GroupEntries)
                {
                    break;
                }

                var entries = answer.GroupEntries.Entries;
                stored.UnionWith(entries.Where(e => e.Event is null).Select(e => e.Seq));
                if (!answer.GroupEntries.HasMore || entries.Count == 0)
                {
                    coveredUpTo = ulong.MaxValue;
                    break;
                }

                from = coveredUpTo = entries[^1].Seq;
            }
        }
        catch (BenchException)
        {
            // No answer: what was not covered stays unverified.
        }

        return LossVerdict.Classify(missing, stored, coveredUpTo);
    }
}

/// <summary>Lost messages sorted: stored but not pushed, not stored, or not verified (the sync did not reach them).</summary>
internal readonly record struct LossVerdict(long NotPushed, long NotStored, long Unverified)
{
    /// <param name="storedMessages">The message seqs the sync returned.</param>
    /// <param name="coveredUpTo">The sync answered for every seq up to this one.</param>
    public static LossVerdict Classify(IEnumerable<ulong> missing, IReadOnlySet<ulong> storedMessages, ulong coveredUpTo)
    {
        long notPushed = 0, notStored = 0, unverified = 0;
        foreach (var seq in missing)
        {
            if (storedMessages.Contains(seq))
            {
                notPushed++;
            }
            else if (seq <= coveredUpTo)
            {
                notStored++;
            }
            else
            {
                unverified++;
            }
        }

        return new LossVerdict(notPushed, notStored, unverified);
    }

    public static LossVerdict operator +(LossVerdict a, LossVerdict b) =>
        new(a.NotPushed + b.NotPushed, a.NotStored + b.NotStored, a.Unverified + b.Unverified);
}
